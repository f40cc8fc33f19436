"""Errors that ``ginv`` reports as one clear line instead of a traceback."""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(ValueError):
    """A configuration value is invalid; raised before any training starts."""


class DataError(ValueError):
    """Input data is missing, unreadable or malformed; the message names the file."""


class NonFiniteLossError(RuntimeError):
    """Training diverged: a loss, the discriminator's scores or the weights became NaN or
    infinite (or the weights exploded); training stops and the last healthy checkpoint is kept."""


def require_writable_folder(option: str, folder: str | os.PathLike[str]) -> None:
    """Refuse a folder that cannot be created or written into, before anything is written.

    Checked up front so that a run does not fail after its first training steps,
    or half-created, because its output folder sits under a regular file or in
    a read-only place. Nothing is created here.
    """
    path = Path(folder).expanduser().absolute()
    existing = next(p for p in (path, *path.parents) if p.exists())
    if not existing.is_dir():
        raise ConfigError(
            f"{option} {str(folder)!r} cannot be created: {str(existing)!r} is a file, not a folder"
        )
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(
            f"{option} {str(folder)!r} is not writable: no permission to write in {str(existing)!r}"
        )
