"""Checkpoints written atomically and read without unpickling code.

A checkpoint is saved to a temporary file in the same directory and renamed
over the old one, so a crash or kill mid-write never replaces a good
checkpoint with a truncated one. Loading uses ``weights_only=True``: ginv's
checkpoints hold tensors and plain config values only.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import torch
from lightning.fabric.utilities.types import _PATH
from lightning.pytorch.plugins.io import TorchCheckpointIO

from ginv_lightning.persistence.atomic_files import atomic_writer


class AtomicCheckpointIO(TorchCheckpointIO):
    def save_checkpoint(
        self, checkpoint: dict[str, Any], path: _PATH, storage_options: Any | None = None
    ) -> None:
        if "://" in str(path):  # remote file systems: no rename to rely on
            return super().save_checkpoint(checkpoint, path, storage_options)
        with atomic_writer(path) as handle:
            torch.save(checkpoint, handle)
        return None

    def load_checkpoint(
        self, path: _PATH, map_location: Any | None = None, weights_only: bool | None = None
    ) -> dict[str, Any]:
        return load_checkpoint(path, map_location)


def load_checkpoint(path: _PATH, map_location: Any | None = None) -> dict[str, Any]:
    """Read a ginv checkpoint with ``weights_only=True``; a clear error if it is not one."""
    from ginv_lightning.errors import DataError

    file = Path(path)
    if not file.is_file():
        raise DataError(f"checkpoint {str(file)!r} does not exist")
    try:
        return torch.load(file, map_location=map_location or "cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for corrupt, foreign or crafted files
        raise DataError(f"cannot read checkpoint {str(file)!r}: {unreadable_reason(exc)}") from None


# torch's two wordings of a global that weights-only loading refuses (torch 2.6 and later)
_REFUSED_GLOBAL = re.compile(r"(?:Unsupported global: GLOBAL|unsupported GLOBAL) ([\w.]+)")


def unreadable_reason(exc: BaseException) -> str:
    """Why ``torch.load(weights_only=True)`` failed, in one line, never advising unsafe loading.

    A refused global is named ("it names posix.system, which loading would run"):
    torch's own message begins by suggesting ``weights_only=False``, which is the
    one thing never to do with a file that names code.
    """
    refused = _REFUSED_GLOBAL.search(str(exc))
    if refused:
        return f"it names {refused[1]}, and loading it could run code, so it is refused"
    lines = [" ".join(line.split()) for line in str(exc).splitlines()]
    kept = [line for line in lines if line and "weights_only" not in line]
    text = kept[0] if kept else ""
    text = text if len(text) <= 300 else text[:297] + "..."
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
