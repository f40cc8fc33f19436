"""More bad input, each one clear line (rc 2) before anything is trained or created.

A data module's own ConfigError (``data.batch_size 0``) used to reach the user
as jsonargparse's 73-line double traceback; unwritable output folders failed
with a traceback, some only after training steps; NaN pixels trained until a
loss became NaN. All run :func:`ginv_lightning.cli.main` in this process, in
``tmp_path``, with ginv's default loggers (so "nothing created" is real).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.cli.conftest import Outcome
from tests.conftest import REPO

FIT = ("fit", "--config", str(REPO / "configs/rotdigits_c4.yaml"), "--trainer.max_steps", "2",
       "--trainer.enable_progress_bar", "false")  # fmt: skip


def assert_one_line(result: Outcome, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "ginv: error:" in line]
    for fragment in fragments:
        assert fragment in line


def created(folder: Path, *existing: str) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*") if p.name not in existing)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--data.init_args.batch_size", "0"), "data.batch_size must be >= 1, got 0"),
        (("--data.init_args.channels", "2"), "data.channels must be 1 or 3, got 2"),
    ],
)
def test_a_data_modules_own_error_is_one_line_and_creates_nothing(args, message, ginv, tmp_path):
    assert_one_line(ginv(*FIT, *args), message)
    assert created(tmp_path) == []


def test_runs_folder_that_is_a_file(ginv, tmp_path):
    (tmp_path / "runs").write_text("not a folder")
    assert_one_line(ginv(*FIT), "'runs' cannot be created", "is a file, not a folder")
    assert created(tmp_path) == ["runs"]


def test_default_root_dir_under_a_file_fails_before_training(ginv, tmp_path):
    (tmp_path / "file.txt").write_text("")
    result = ginv(*FIT, "--trainer.logger", "false", "--trainer.default_root_dir", "file.txt/runs")
    assert_one_line(result, "--trainer.default_root_dir 'file.txt/runs' cannot be created",
                    f"{str(tmp_path / 'file.txt')!r} is a file")  # fmt: skip
    assert "Epoch 0" not in result.stderr
    assert created(tmp_path) == ["file.txt"]


def test_logger_save_dir_under_a_file(ginv, tmp_path):
    (tmp_path / "file.txt").write_text("")
    result = ginv(*FIT, "--trainer.logger", "lightning.pytorch.loggers.CSVLogger",
                  "--trainer.logger.save_dir", "file.txt/logs")  # fmt: skip
    assert_one_line(result, "save_dir 'file.txt/logs' cannot be created")
    assert created(tmp_path) == ["file.txt"]


def test_sample_out_under_a_file_fails_before_reading_the_checkpoint(ginv, tmp_path):
    (tmp_path / "file.txt").write_text("")
    result = ginv("sample", "--ckpt", "absent.ckpt", "--out", str(tmp_path / "file.txt/x.png"))
    assert_one_line(result, "--out", "cannot be created", "file.txt' is a file, not a folder")
    assert created(tmp_path) == ["file.txt"]


def test_sample_out_that_is_a_folder(ginv, tmp_path):
    (tmp_path / "grid.png").mkdir()
    assert_one_line(ginv("sample", "--ckpt", "absent.ckpt", "--out", "grid.png"), "is a folder")


def test_nan_pixels_in_an_npz_are_named_before_training(ginv, tmp_path):
    images = np.random.default_rng(0).random((40, 24, 24)).astype(np.float32)
    images[5, :3, :4] = np.nan
    np.savez(tmp_path / "digits.npz", images=images)
    data = ("--data", "ginv_lightning.data.ImageFiles", "--data.init_args.path", "digits.npz")
    result = ginv(*FIT, *data, "--data.init_args.image_size", "24")
    assert_one_line(result, "data.path 'digits.npz': 12 of 23,040 values are NaN or infinite")
    assert "Epoch 0" not in result.stderr
    assert created(tmp_path) == ["digits.npz"]
