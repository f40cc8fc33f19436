"""Output folders checked before a run creates anything in them.

A folder under a regular file or in a read-only place would otherwise fail with
a traceback from a logger, or, for ``trainer.default_root_dir`` without loggers,
only at the first checkpoint after training steps. Nothing is created here.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from ginv_lightning.errors import ConfigError


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


def check_output_folders(config: Any) -> None:
    """Refuse, before anything is created, output folders that cannot be written.

    Otherwise the loggers fail with a traceback, or ``trainer.default_root_dir``
    without loggers only fails at the first checkpoint, after training steps.
    """
    folders = {
        "trainer.default_root_dir": config.trainer.get("default_root_dir"),
        "checkpoint.dirpath": config.get("checkpoint", {}).get("dirpath"),
    }
    loggers = config.trainer.get("logger")
    for i, logger in enumerate(loggers if isinstance(loggers, list) else [loggers]):
        init_args = getattr(logger, "init_args", None) or {}
        for key in ("save_dir", "dir"):
            folders[f"trainer.logger[{i}].init_args.{key}"] = init_args.get(key)
    for option, folder in folders.items():
        if folder is not None and "://" not in str(folder):  # remote stores are not checked
            require_writable_folder(f"--{option}", folder)
