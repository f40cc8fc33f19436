"""A fit without a progress bar (a comparison cell) still says how far it is, on a timer."""

from __future__ import annotations

import io

from ginv_lightning.callbacks.progress import ProgressLine
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
