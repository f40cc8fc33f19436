"""``ginv fit`` and ``ginv sample`` on sets with the installed plugin, and one-line errors."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import lightning  # noqa: F401  (first imported here, not in a test: it binds a log handler
import numpy as np  # to the sys.stderr of the moment, which in a test is capsys's, then closed)
import pytest

from ginv_lightning.cli import main

CONFIGS = Path(__file__).resolve().parents[1] / "configs"

# 14 batches with n_critic 2: 14 critic and 7 generator steps, two whole epochs and a part
SHORT = [
    "--trainer.max_steps", "21", "--trainer.check_val_every_n_epoch", "1",
    "--trainer.enable_progress_bar", "false", "--data.init_args.batches_per_epoch", "5",
    "--data.init_args.num_train", "200", "--samples.every_n_steps", "0",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("config", ["digit_sets_s16.yaml", "turned_digit_sets_c4xs16.yaml"])
def test_fit_logs_the_set_distance_draws_sets_and_samples(ginv_here, tmp_path, config):
    result = ginv_here("fit", "--config", str(CONFIGS / config), *SHORT, cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    (run,) = (tmp_path / "runs").glob("*/version_0")
    with open(run / "metrics.csv") as handle:
        distances = [float(r["val/set_w2"]) for r in csv.DictReader(handle) if r.get("val/set_w2")]
    assert len(distances) == 2 and all(d > 0 for d in distances)
    assert (run / "samples" / "step_0000021.png").stat().st_size > 1000  # the final grid
    if config != "digit_sets_s16.yaml":
        return  # sampling is the same code for both groups

    checkpoint = run / "checkpoints" / "last.ckpt"
    result = ginv_here("sample", "--ckpt", str(checkpoint), "--n", "5", "--out", "s.npz",
                            cwd=tmp_path)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(tmp_path / "s.npz") as arrays:
        assert arrays["sets"].shape == (5, 16, 2)
    result = ginv_here("sample", "--ckpt", str(checkpoint), "--out", "s.png", cwd=tmp_path)
    assert result.returncode == 0 and (tmp_path / "s.png").stat().st_size > 1000


@pytest.mark.parametrize(
    ("config", "extra", "message"),
    [
        ("digit_sets_s16.yaml", ["--model.group", "S8"],
         "model.group: S8 permutes sets of 8 items, but the data are sets of 16 points of R^2; "
         "use S16 or data with 8 items"),
        ("../../../configs/rotdigits_c4.yaml", ["--model.group", "S16"],
         "model.group: S16 permutes the items of sets, but the data are 1-channel 24x24 images"),
        ("digit_sets_s16.yaml", ["--model.discriminator", "ginv_lightning.nn.CNNDiscriminator"],
         "model.discriminator: convolutional networks take images or voxel grids, but the data "
         "are sets of 16 points of R^2; choose networks made for them"),
        ("digit_sets_s16.yaml", ["--model.group", "C4"],
         "model.group: C4 acts on 2-D space, but the data are sets of 16 points of R^2; choose "
         "a group made for them"),
    ],
)  # fmt: skip
def test_groups_and_data_that_do_not_fit_are_one_line(tmp_path, monkeypatch, capsys, config,
                                                      extra, message):  # fmt: skip
    """In this process (the errors come before any training): ``ginv fit`` as the CLI runs it."""
    monkeypatch.chdir(tmp_path)
    environment = dict(os.environ)  # Lightning's seeding writes to it
    try:
        code = main(["fit", "--config", str(CONFIGS / config), *extra])
    finally:
        os.environ.clear()
        os.environ.update(environment)
    stderr = capsys.readouterr().err
    assert code == 2 and "Traceback" not in stderr
    (line,) = [line for line in stderr.splitlines() if "ginv: error:" in line]
    assert line.startswith("ginv: error: ") and message in line
    assert not (tmp_path / "runs").exists() or not any((tmp_path / "runs").rglob("*.ckpt"))
