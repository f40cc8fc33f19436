"""Errors that ``ginv`` reports as one clear line instead of a traceback."""


class ConfigError(ValueError):
    """A configuration value is invalid; raised before any training starts."""


class DataError(ValueError):
    """Input data is missing, unreadable or malformed; the message names the file."""


class NonFiniteLossError(RuntimeError):
    """Training diverged: a loss, the discriminator's scores or the weights became NaN or
    infinite (or the weights exploded); training stops and the last healthy checkpoint is kept."""


class JobsFailedError(RuntimeError):
    """Some jobs of a grid failed; the finished ones are kept and a rerun retries the others."""
