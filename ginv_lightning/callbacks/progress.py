"""A line of progress every half minute for fits that show no progress bar."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from lightning.pytorch import Callback, LightningModule, Trainer
from typing_extensions import override


class ProgressLine(Callback):
    """Prints ``label: step i/N, r steps/s, ~m min left`` at most every ``seconds`` of training.

    Args:
        label: what is training (e.g. a comparison cell's name).
        max_steps: the optimiser-step budget, for the time left.
        seconds: the interval between lines.
        stream: where the lines go (default: standard output).
    """

    def __init__(
        self, label: str, max_steps: int, seconds: float = 30.0, stream: TextIO | None = None
    ) -> None:
        self.label = label
        self.max_steps = max_steps
        self.seconds = seconds
        self.stream = stream
        self._started = self._printed = 0.0

    @override
    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._started = self._printed = time.perf_counter()

    @override
    def on_train_batch_end(self, trainer: Trainer, *_: Any) -> None:
        now = time.perf_counter()
        if now - self._printed < self.seconds:
            return
        self._printed = now
        step = trainer.global_step
        rate = step / max(now - self._started, 1e-9)
        left = (self.max_steps - step) / rate / 60 if rate else float("inf")
        done = f"step {step}/{self.max_steps}, {rate:.1f} steps/s"
        print(f"  {self.label}: {done}, ~{left:.1f} min left", file=self.stream or sys.stdout,
              flush=True)  # fmt: skip
