"""Bad input gets one clear line before any training, and a diverging loss stops training cleanly.

Most cases call :func:`ginv_lightning.cli.main` in this process (rc and captured
output are what the console script would give); a case that needs a process of
its own (a plugin on ``PYTHONPATH``, found once per process) runs the real ``ginv``.
"""

from __future__ import annotations

import numpy as np
import pytest
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
def test_a_diverging_loss_stops_training_before_a_checkpoint_of_it_is_written(ginv, tmp_path):
    """SGD at lr 1e4 on a Wasserstein critic: the loss is 7e11 at the first generator step.

    It became NaN only at step 3, and the checkpoint of step 2 (already diverged) used
    to be kept as "healthy"; now the magnitude stops it at once (see ``VALUE_LIMIT``).
    """
    result = ginv(
        "fit", "--config", str(REPO / "configs/rotdigits_cnn.yaml"),
        "--trainer.default_root_dir", str(tmp_path),
        "--trainer.logger", "false", "--trainer.enable_progress_bar", "false",
        "--trainer.max_steps", "200", "--checkpoint.every_n_train_steps", "2",
        "--model.loss", "ginv_lightning.gan.losses.Wasserstein", "--model.penalty", "null",
        "--model.optimizer_d.class_path", "torch.optim.SGD",
        "--model.optimizer_d.init_args.lr", "1e4",
    )  # fmt: skip
    assert_clean_error(result, "generator loss reached ", "where no healthy run goes) at "
                       "global step 1", "no checkpoint was written yet")  # fmt: skip
    assert not list(tmp_path.rglob("*.ckpt"))


def assert_one_line(result: Outcome, *fragments: str) -> None:
    """One line on stderr: no usage text before it (it used to be about 100 lines)."""
    assert_clean_error(result, *fragments)
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr[-2000:]
    assert "usage:" not in result.stderr


def test_a_mistyped_key_on_the_command_line_is_one_line_with_the_closest_keys(ginv):
    result = ginv(*MAIN, "--data.init_args.bacth_size", "32")
    assert_one_line(result, "unknown key 'data.init_args.bacth_size' on the command line",
                    "RotDigits takes no 'bacth_size'", "did you mean batch_size")  # fmt: skip


def test_a_mistyped_key_in_a_config_file_names_the_file(ginv, tmp_path):
    extra = tmp_path / "extra.yaml"
    extra.write_text("trainer:\n  max_step: 5\n")
    result = ginv(*MAIN, "--config", str(extra))
    assert_one_line(result, "unknown key 'trainer.max_step' in ", str(extra),
                    "did you mean trainer.max_steps")  # fmt: skip


def test_a_wrong_value_type_is_one_line(ginv):
    result = ginv(*MAIN, "--trainer.max_epochs", "abc")
    assert_one_line(result, "trainer.max_epochs: 'abc' is not accepted (expected int or null)")


def test_a_config_that_needs_an_uninstalled_plugin_says_which_to_install(ginv, tmp_path):
    config = tmp_path / "tiles.yaml"
    config.write_text(
        "model:\n  group: C4\n"
        "data:\n  class_path: ginv_tiles.data.TileData\n  init_args: {size: 32}\n"
    )
    result = ginv("fit", "--config", str(config))
    assert_one_line(result, "ginv_tiles.data.TileData needs the package ginv_tiles, which is "
                    "not installed", "pip install ginv-tiles")  # fmt: skip
    assert not (tmp_path / "runs").exists()


def test_data_help_takes_a_short_class_name_and_documents_non_square_images(ginv):
    result = ginv("fit", "--data.help", "ImageFiles")
    assert result.returncode == 0, result.stderr
    assert "--data.non_square {crop,refuse}" in result.stdout and "centre square" in result.stdout


def test_missing_inception_weights_fail_at_start_up_naming_file_and_path(
    ginv, tmp_path, monkeypatch
):
    monkeypatch.setenv("TORCH_HOME", str(tmp_path / "torch"))
    result = ginv(*MAIN, "--metrics.features", "inception")
    expected = tmp_path / "torch/hub/checkpoints/weights-inception-2015-12-05-6726825d.pth"
    assert_clean_error(result, f"are not at {expected}")
