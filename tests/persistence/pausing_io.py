"""A checkpoint writer for crash tests: the real atomic writer, paused half-way through one write.

The test kills the process while it waits, so the kill lands mid-write
deterministically, not by luck.
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import torch

from ginv_lightning.persistence.atomic_files import atomic_writer
from ginv_lightning.persistence.checkpoints import AtomicCheckpointIO


class PausingCheckpointIO(AtomicCheckpointIO):
    """Writes checkpoints as ginv does, but stops half-way through write number ``pause_at``."""

    def __init__(self, marker: str, pause_at: int) -> None:
        super().__init__()
        self.marker = Path(marker)
        self.pause_at = pause_at
        self.writes = 0

    def save_checkpoint(self, checkpoint: dict[str, Any], path: Any, storage_options: Any = None):
        self.writes += 1
        if self.writes < self.pause_at:
            return super().save_checkpoint(checkpoint, path, storage_options)
        buffer = io.BytesIO()
        torch.save(checkpoint, buffer)
        with atomic_writer(path) as handle:
            handle.write(buffer.getvalue()[: buffer.tell() // 2])
            handle.flush()
            self.marker.write_text(f"{path}\n{checkpoint['global_step']}\n")
            time.sleep(600)  # until the test kills the process
        return None
