"""A fit without a progress bar (a comparison cell) still says how far it is, on a timer."""

from __future__ import annotations

import io

from lightning.pytorch import Callback, Trainer

from ginv_lightning.callbacks.progress import PacedProgressBar, ProgressLine
from ginv_lightning.data import RotDigits
from ginv_lightning.quiet_trainer import quiet_trainer
from tests.tiny_gan import tiny_gan


def _fit(line: ProgressLine) -> None:
    module = tiny_gan(plain=True)
    data = RotDigits(image_size=8, num_train=64, batch_size=16)
    quiet_trainer(8, [line]).fit(module, datamodule=data)


def test_each_line_gives_the_step_the_rate_and_the_time_left():
    stream = io.StringIO()
    _fit(ProgressLine("cell A", max_steps=8, seconds=0.0, stream=stream))
    lines = stream.getvalue().splitlines()
    assert len(lines) == 4  # a line per batch (two optimiser steps) at a zero interval
    assert lines[0].startswith("  cell A: step 2/8, ") and "steps/s, ~" in lines[0]
    assert lines[-1].startswith("  cell A: step 8/8, ") and lines[-1].endswith("~0.0 min left")


def test_lines_wait_for_the_interval():
    stream = io.StringIO()
    _fit(ProgressLine("cell B", max_steps=8, seconds=3600.0, stream=stream))
    assert stream.getvalue() == ""


class _Shown(Callback):
    """What the training bar shows after each batch (it runs after the bar's own hook)."""

    def __init__(self, bar: PacedProgressBar) -> None:
        self.bar, self.counts = bar, []

    def on_train_batch_end(self, *_) -> None:
        self.counts.append(self.bar.train_progress_bar.n)


def _shown(seconds: float) -> list[int]:
    """The training bar's count after each batch of two epochs of four batches."""
    bar = PacedProgressBar(seconds)
    shown = _Shown(bar)
    data = RotDigits(image_size=8, num_train=64, batch_size=16)
    trainer = Trainer(
        max_epochs=2, logger=False, enable_checkpointing=False, enable_model_summary=False,
        limit_val_batches=0, callbacks=[bar, shown],
    )  # fmt: skip
    trainer.fit(tiny_gan(plain=True), datamodule=data)
    return shown.counts


def test_the_bar_is_redrawn_on_its_timer_and_at_each_epoch_end():
    assert _shown(seconds=0.0) == [1, 2, 3, 4] * 2
    assert _shown(seconds=3600.0) == [1, 1, 1, 4, 0, 0, 0, 4]
