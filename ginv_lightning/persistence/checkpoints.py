"""Checkpoints written atomically and read without unpickling code.

A checkpoint is saved to a temporary file in the same directory and renamed
over the old one, so a crash or kill mid-write never replaces a good
checkpoint with a truncated one. Loading uses ``weights_only=True``: ginv's
checkpoints hold tensors and plain config values only.
"""

from __future__ import annotations

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
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
        raise DataError(
            f"cannot read checkpoint {str(file)!r}: {type(exc).__name__}: {reason}"
        ) from None
