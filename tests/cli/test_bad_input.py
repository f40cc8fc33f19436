"""Bad input gets one clear line before any training, and a NaN loss stops training cleanly.

Most cases call :func:`ginv_lightning.cli.main` in this process (rc and captured
output are what the console script would give); a case that needs a process of
its own (a plugin on ``PYTHONPATH``, found once per process) runs the real ``ginv``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

from tests.cli.conftest import Outcome
from tests.conftest import REPO, run_ginv

MAIN = ("fit", "--config", str(REPO / "configs/rotdigits_c4.yaml"), "--trainer.max_steps", "2",
        "--trainer.logger", "false", "--trainer.enable_progress_bar", "false")  # fmt: skip


def assert_clean_error(result: Outcome, *fragments: str) -> None:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert result.stderr.count("ginv: error:") == 1
    for fragment in fragments:
        assert fragment in result.stderr
    assert "Epoch 0" not in result.stderr + result.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (("--model.optimizer_g.init_args.lr", "-0.1"), ["model.optimizer_g", "learning rate"]),
        (("--model.n_critic", "0"), ["model.n_critic must be an integer >= 1, got 0"]),
        (("--data.init_args.image_size", "30"), ["image size 30 cannot be produced", "e.g. 8"]),
        (("--model.group", "C0"), ["model.group", "must be an integer >= 1, got 0"]),
        (("--model.group", "Q7"), ["unknown group 'Q7'", "installed groups:"]),
        (("--model.ema_decay", "1.5"), ["ema_decay must be in [0, 1)"]),
    ],
)
def test_invalid_settings_fail_before_training(args, fragments, ginv, tmp_path):
    result = ginv(*MAIN, "--trainer.default_root_dir", str(tmp_path), *args)
    assert_clean_error(result, *fragments)
    assert not list(tmp_path.rglob("*.ckpt"))


def test_group_for_another_grid_dimension_is_refused(plugin_site, tmp_path):
    # a subprocess: the plugin must be on the path before the group registry is first read
    result = run_ginv(*MAIN, "--trainer.default_root_dir", str(tmp_path), "--model.group", "Cube",
                      extra_path=plugin_site, cwd=tmp_path)  # fmt: skip
    assert_clean_error(result, "Cube acts on 3-D space, but the data are 1-channel 24x24 images")


def test_missing_data_directory(ginv, tmp_path):
    result = ginv(
        *MAIN, "--data", "ginv_lightning.data.ImageFiles",
        "--data.init_args.path", str(tmp_path / "missing"),
    )  # fmt: skip
    assert_clean_error(result, "missing", "does not exist")


def test_corrupt_image_file_is_named(ginv, tmp_path):
    folder = tmp_path / "images"
    folder.mkdir()
    for i in range(40):
        Image.fromarray(np.full((24, 24), i, dtype=np.uint8)).save(folder / f"{i:02d}.png")
    (folder / "17.png").write_bytes(b"\x89PNG truncated")
    result = ginv(*MAIN, "--data", "ginv_lightning.data.ImageFiles",
                  "--data.init_args.path", str(folder), "--data.init_args.image_size", "24",
                  "--trainer.default_root_dir", str(tmp_path))  # fmt: skip
    assert_clean_error(result, "cannot read image file", "17.png")


def test_rotmnist_without_its_files(ginv, tmp_path):
    result = ginv(*MAIN, "--data", "ginv_lightning.data.RotMNIST",
                  "--data.init_args.data_dir", str(tmp_path))  # fmt: skip
    assert_clean_error(result, "mnist_all_rotation_normalized_float_train_valid.amat",
                       "mnist_rotation_new.zip")  # fmt: skip


@pytest.mark.slow
def test_non_finite_loss_stops_with_step_and_loss_and_keeps_the_last_finite_checkpoint(
    ginv, tmp_path
):
    result = ginv(
        "fit", "--config", str(REPO / "configs/rotdigits_cnn.yaml"),
        "--trainer.default_root_dir", str(tmp_path),
        "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
        "--trainer.max_steps", "200", "--checkpoint.every_n_train_steps", "2",
        "--model.loss", "ginv_lightning.gan.losses.Wasserstein", "--model.penalty", "null",
        "--model.optimizer_d.class_path", "torch.optim.SGD",
        "--model.optimizer_d.init_args.lr", "1e4",
    )  # fmt: skip
    assert_clean_error(result, "loss became nan at global step 3", "last.ckpt, is kept")
    kept = torch.load(next(tmp_path.rglob("last.ckpt")), weights_only=True)
    assert kept["global_step"] == 2
    assert all(
        torch.isfinite(v).all() for v in kept["state_dict"].values() if v.is_floating_point()
    )
