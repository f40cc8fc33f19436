"""Errors that ``ginv`` reports as one clear line instead of a traceback."""


class ConfigError(ValueError):
    """A configuration value is invalid; raised before any training starts."""


class DataError(ValueError):
    """Input data is missing, unreadable or malformed; the message names the file."""


class NonFiniteLossError(RuntimeError):
    """A loss became NaN or infinite; training stops and earlier checkpoints are kept."""
