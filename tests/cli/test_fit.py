"""`ginv fit` end to end through the real console script, one short run per config."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import numpy as np
import pytest
import torch
import yaml
from lightning.pytorch.callbacks import TQDMProgressBar
from PIL import Image

from ginv_lightning.cli import main
from ginv_lightning.commands.train import wants_default_progress_bar
from ginv_lightning.experiment import experiment_from_config
from tests.conftest import REPO, run_ginv
from tests.escnn_accounting import expected_parameters

CONFIGS = sorted(p.name for p in (REPO / "configs").glob("rotdigits_*.yaml"))
QUICK = [
    "--trainer.max_steps", "6",
    "--trainer.enable_progress_bar", "false",
    "--trainer.logger", "false",
    "--data.init_args.num_train", "128",
    "--data.init_args.batch_size", "32",
    "--samples.every_n_steps", "4",
    "--checkpoint.every_n_train_steps", "2",
]  # fmt: skip


def quick_fit(config: str, root: Path, *extra: str):
    return run_ginv(
        "fit", "--config", f"configs/{config}", "--trainer.default_root_dir", str(root),
        *QUICK, *extra,
    )  # fmt: skip


@pytest.fixture(scope="session")
def trained(tmp_path_factory) -> Path:
    """A few steps of the main job; its checkpoint directory."""
    root = tmp_path_factory.mktemp("main-job")
    result = quick_fit("rotdigits_c4.yaml", root)
    assert result.returncode == 0, result.stderr[-3000:]
    return root


@pytest.mark.slow
@pytest.mark.parametrize("config", [c for c in CONFIGS if c != "rotdigits_c4.yaml"])
def test_every_config_trains_a_few_steps(config, tmp_path, ginv):
    # in this process: the console script itself is exercised by the main job's fixture
    result = ginv("fit", "--config", str(REPO / "configs" / config),
                  "--trainer.default_root_dir", str(tmp_path), *QUICK)  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    assert list(tmp_path.rglob("last.ckpt"))
    assert list(tmp_path.rglob("samples/step_*.png"))


def test_main_job_writes_checkpoints_and_sample_grids(trained):
    checkpoints = sorted(p.name for p in trained.rglob("*.ckpt"))
    assert "last.ckpt" in checkpoints and "step=0000006.ckpt" in checkpoints
    grids = sorted(trained.rglob("samples/step_*.png"))
    assert [g.name for g in grids] == ["step_0000004.png", "step_0000006.png"]
    with Image.open(grids[-1]) as grid:
        assert grid.size == (8 * 24 + 9 * 2, 8 * 24 + 9 * 2)  # 64 images of 24 px, 2-px padding


def test_checkpoints_load_weights_only_and_hold_no_cached_filters(trained):
    checkpoint = torch.load(next(trained.rglob("last.ckpt")), weights_only=True)
    keys = checkpoint["state_dict"].keys()
    assert any(k.startswith("ema.") for k in keys)
    assert not [k for k in keys if k.endswith((".filter", ".expanded_bias"))]
    assert checkpoint["ginv_group"] == {"spec": "C4", "distribution": "ginv-lightning",
                                        "version": "0.1.0"}  # fmt: skip
    experiment = checkpoint["ginv_experiment"]  # what restore rebuilds through the fit parser
    assert experiment["data"]["init_args"]["image_size"] == 24
    assert experiment["model"]["generator"]["init_args"]["widths"] == [24, 12, 6]


def test_sample_command_writes_a_grid_from_the_exported_generator(trained, tmp_path, ginv):
    out = tmp_path / "grid.png"
    result = ginv("sample", "--ckpt", str(next(trained.rglob("last.ckpt"))), "--n", "16",
                      "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with Image.open(out) as grid:
        assert grid.size == (4 * 24 + 5 * 2, 4 * 24 + 5 * 2)


def test_sample_command_writes_raw_samples_to_npz(trained, tmp_path, ginv):
    out = tmp_path / "samples.npz"
    result = ginv("sample", "--ckpt", str(next(trained.rglob("last.ckpt"))), "--n", "5",
                      "--out", str(out))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with np.load(out) as archive:
        images = archive["images"]
    assert images.shape == (5, 1, 24, 24) and np.abs(images).max() <= 1


def test_sample_command_reports_a_missing_or_foreign_checkpoint(tmp_path, ginv):
    missing = ginv("sample", "--ckpt", str(tmp_path / "none.ckpt"))
    assert missing.returncode == 2 and "does not exist" in missing.stderr
    foreign = tmp_path / "foreign.ckpt"
    foreign.write_bytes(b"garbage")
    result = ginv("sample", "--ckpt", str(foreign))
    assert result.returncode == 2 and "cannot read checkpoint" in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("config", ["rotdigits_c4.yaml", "rotdigits_symmetrized.yaml"])
def test_print_config_shows_the_resolved_configuration(config, ginv):
    result = ginv("fit", "--config", str(REPO / "configs" / config), "--print_config")
    assert result.returncode == 0, result.stderr[-3000:]
    printed = yaml.safe_load(result.stdout)
    assert printed["model"]["group"] == "C4"
    assert printed["model"]["generator"]["class_path"].startswith("ginv_lightning.nn.")
    assert printed["data"]["class_path"] == "ginv_lightning.data.RotDigits"


def test_params_command_prints_matched_counts_side_by_side(capsys):
    assert main(["params", "rotdigits_c4", "configs/rotdigits_cnn.yaml"]) == 0
    header, *rows = (
        re.split(r"\s{2,}", line.strip()) for line in capsys.readouterr().out.splitlines()
    )
    built = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    equivariant, cnn = built["rotdigits_c4"], built["configs/rotdigits_cnn.yaml"]
    model = experiment_from_config("rotdigits_c4").model
    derived = [str(expected_parameters(n)) for n in (model.generator, model.discriminator)]
    assert [equivariant["G PARAMS"], equivariant["D PARAMS"]] == derived  # 18019, 8743
    assert equivariant["DATA"] == cnn["DATA"] == "1-channel 24x24 images"
    for role in ("G PARAMS", "D PARAMS"):
        assert 0.9 <= int(cnn[role]) / int(equivariant[role]) <= 1.1


def test_metrics_csv_counts_batches_and_optimiser_steps_in_named_columns(ginv, tmp_path):
    """Before, only Lightning's `step` (batches) was there while max_steps counts optimiser
    steps: a run of max_steps 8 ended at `step` 3."""
    result = ginv("fit", "--config", str(REPO / "configs" / "rotdigits_c4.yaml"),
                  "--trainer.default_root_dir", str(tmp_path), *QUICK[:2],
                  "--trainer.max_steps", "8", "--trainer.log_every_n_steps", "1",
                  "--data.init_args.num_train", "128", "--metrics.enabled", "false",
                  "--samples.every_n_steps", "8")  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    (table,) = tmp_path.rglob("metrics.csv")
    rows = [r for r in csv.DictReader(table.open()) if r.get("optimizer_step")]
    assert [int(r["step"]) for r in rows] == [0, 1, 2, 3]  # batches (Lightning's count)
    assert [float(r["optimizer_step"]) for r in rows] == [2, 4, 6, 8]  # a D and a G step each


def test_a_run_resumed_mid_epoch_logs_each_batch_of_the_epoch_once(ginv, tmp_path):
    """Stopped at optimiser step 10 (batch 5 of the epoch's 19), resumed to step 50."""
    quiet = ("--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
             "--trainer.log_every_n_steps", "1", "--samples.every_n_steps", "1000",
             "--trainer.default_root_dir", str(tmp_path))  # fmt: skip
    config = str(REPO / "configs" / "rotdigits_c4.yaml")
    assert ginv("fit", "--config", config, "--trainer.max_steps", "10", *quiet).returncode == 0
    resumed = ginv("fit", "--config", config, "--trainer.max_steps", "50", "--ckpt_path", "last",
                   *quiet)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    (table,) = tmp_path.rglob("metrics.csv")
    rows = [r for r in csv.DictReader(table.open()) if r.get("optimizer_step")]
    assert [int(r["step"]) for r in rows] == list(range(25))  # each batch once, in order
    assert [int(r["epoch"]) for r in rows] == [0] * 19 + [1] * 6  # 19 batches an epoch
    assert [float(r["optimizer_step"]) for r in rows] == [2.0 * (b + 1) for b in range(25)]


def test_the_progress_bar_is_redrawn_on_a_timer_not_every_batch(ginv, tmp_path):
    """Two epochs of 19 batches of the CNN (about 1 s each here). Each redraw writes twice
    (the count, then the logged values): Lightning's default bar, redrawn after every
    batch, writes 38 times an epoch; this one about twice a second, and at the end."""
    result = ginv("fit", "--config", str(REPO / "configs" / "rotdigits_cnn.yaml"),
                  "--trainer.max_steps", "80", "--trainer.logger", "false",
                  "--metrics.enabled", "false", "--samples.every_n_steps", "1000",
                  "--trainer.default_root_dir", str(tmp_path))  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    first_epoch = [d for d in result.stdout.split("\r") if d.startswith("Epoch 0:")]
    (end,) = [draw for draw in first_epoch if " 19/19 " in draw][-1:]  # drawn at the end
    # the empty bar, the first batch, a redraw per 0.5 s, the end, the reset for epoch 1
    paced = 1 + 2 + 2 * _epoch_seconds(end) / 0.5 + 2 + 1 + 1
    assert 2 <= len(first_epoch) <= min(paced, 37), result.stdout[-3000:]


def _epoch_seconds(draw: str, batches: int = 19) -> float:
    """An epoch's length from the rate its last redraw shows (tqdm: it/s, or s/it when slow)."""
    value, unit = re.search(r"([\d.]+)(it/s|s/it)", draw).groups()
    return batches * (1 / float(value) if unit == "it/s" else float(value))


def test_a_progress_bar_of_the_users_own_replaces_the_timed_one():
    config = {"callbacks": [TQDMProgressBar(refresh_rate=5)], "enable_progress_bar": None}
    assert not wants_default_progress_bar(config, [])
    assert not wants_default_progress_bar({"enable_progress_bar": False}, [])
    assert wants_default_progress_bar({"callbacks": None, "enable_progress_bar": None}, [])
