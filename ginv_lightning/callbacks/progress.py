"""How far a fit is: a bar redrawn on a timer, or a line every half minute where no bar shows."""

from __future__ import annotations

import sys
import time
from typing import Any, TextIO

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.callbacks import TQDMProgressBar
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


class PacedProgressBar(TQDMProgressBar):
    """Lightning's progress bar whose training bar is redrawn every ``seconds`` and at epoch ends.

    The default bar redraws after every batch: it reads every logged value and
    writes a line to the terminal, which W&B also captures and sends to its
    service. At the main job's 0.1 s batches that cost about 1.3 ms a batch, 1%
    of the fit, for more redraws than anyone can read (measured on the
    project's 2-core machine). Lightning's ``refresh_rate`` counts batches,
    which suits no batch length from 0.1 s (digits) to 6 s (64 px colour).
    """

    def __init__(self, seconds: float = 0.5) -> None:
        super().__init__()
        self.seconds = seconds
        self._drawn = -float("inf")

    @override
    def on_train_batch_end(
        self, trainer: Trainer, pl_module: LightningModule, outputs: Any, batch: Any, batch_idx: int
    ) -> None:
        now = time.perf_counter()
        epoch_ends = batch_idx + 1 == self.train_progress_bar.total
        if now - self._drawn < self.seconds and not epoch_ends:
            return
        self._drawn = now
        super().on_train_batch_end(trainer, pl_module, outputs, batch, batch_idx)
