"""Errors that ``ginv`` reports as one clear line instead of a traceback."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager


def causes(exc: BaseException) -> Iterator[BaseException]:
    """``exc``, then what caused it (``raise ... from``, or raised while handling), in turn."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        yield cause
        seen.add(id(cause))
        cause = cause.__cause__ or cause.__context__


class ConfigError(ValueError):
    """A configuration value is invalid; raised before any training starts."""


@contextmanager
def config_error(
    where: str, kinds: tuple[type[Exception], ...] = (ValueError, TypeError)
) -> Iterator[None]:
    """Report ``kinds`` raised inside as one ConfigError line: ``"<where>: <message>"``.

    ``where`` names the setting the value came from (``model.generator``), so the
    user sees which key to change and not a traceback through the code it reached.
    """
    try:
        yield
    except kinds as exc:
        raise ConfigError(f"{where}: {exc}") from None


class DataError(ValueError):
    """Input data is missing, unreadable or malformed; the message names the file."""


class NonFiniteLossError(RuntimeError):
    """Training diverged: a loss, the discriminator's scores or the weights became NaN or
    infinite (or the weights exploded); training stops and the last healthy checkpoint is kept."""


class JobsFailedError(RuntimeError):
    """Some jobs of a grid failed; the finished ones are kept and a rerun retries the others."""


class DiskFullError(RuntimeError):
    """A write ran out of disk space; the message names the folder and its free space.

    Files are replaced atomically, so the previous checkpoint or record is kept.
    """
