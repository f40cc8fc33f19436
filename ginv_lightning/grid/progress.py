"""One line per finished cell: which, what it measured, its time, and the time left."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from ginv_lightning.grid.protocol import Grid


class Progress:
    """Counts finished cells and estimates the time left from the ones finished here."""

    def __init__(self, grid: Grid, total: int, todo: int, stream: TextIO | None = None) -> None:
        self.grid = grid
        self.total = total
        self.done = total - todo
        self.finished_here = 0
        self.stream = stream or sys.stdout
        self.started = time.perf_counter()

    def __call__(self, cell: Any, record: dict[str, Any]) -> None:
        self.done += 1
        self.finished_here += 1
        elapsed = time.perf_counter() - self.started
        left = elapsed / self.finished_here * (self.total - self.done)
        width = len(str(self.total))
        print(
            f"[{self.done:>{width}}/{self.total}] {self.grid.describe(cell, record)} "
            f"in {record['seconds']:.1f} s | elapsed {clock(elapsed)}, left ~{clock(left)}",
            file=self.stream,
            flush=True,
        )


def clock(seconds: float) -> str:
    """``1h02m`` or ``4m05s``."""
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
