"""`ginv fit` trains the plugin's config through the real console script; `ginv sample` reads it.

The fit and the run without the plugin are processes of their own; the other
commands run in the test's process, which saves starting torch and Lightning.
"""

from __future__ import annotations

import csv
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

# Not imported from conftest: another plugin's tests have a conftest module of that name too.
CONFIG = Path(__file__).resolve().parents[1] / "configs" / "polycubes_octahedral.yaml"
QUICK = [
    "--trainer.max_epochs", "1",
    "--trainer.limit_train_batches", "3",
    "--trainer.check_val_every_n_epoch", "1",
    "--trainer.enable_progress_bar", "false",
    "--data.init_args.num_shapes", "300",
    "--metrics.num_samples", "100",
    "--metrics.kid_subset_size", "20",
    "--samples.every_n_steps", "4",
    "--samples.n", "16",
]  # fmt: skip


@pytest.fixture(scope="module")
def trained(ginv, tmp_path_factory) -> Path:
    """A few steps of the plugin's config (3 batches, one validation); the working directory."""
    workdir = tmp_path_factory.mktemp("polycubes-fit")
    result = ginv("fit", "--config", str(CONFIG), *QUICK, "--metrics.cache_dir", "", cwd=workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


@pytest.mark.slow
def test_fit_writes_checkpoints_and_voxel_sample_grids(trained):
    run = trained / "runs" / "polycubes_octahedral" / "version_0"
    assert (run / "checkpoints" / "last.ckpt").is_file()
    grids = sorted(p.name for p in (run / "samples").glob("step_*.png"))
    assert grids == ["step_0000004.png", "step_0000006.png"]
    with Image.open(run / "samples" / "step_0000006.png") as grid:
        # 16 grids, each as three 16-px projections with two 1-px lines between them,
        # 2 per row (near-square: 2 x 50 px wide, 8 x 16 px high), 2-px padding
        assert grid.size == (2 * (3 * 16 + 2) + 3 * 2, 8 * 16 + 9 * 2)
    media = list((run / "wandb").glob("offline-run-*/files/media/images/samples_*.png"))
    assert len(media) == 2  # the same grids went to the offline W&B run


@pytest.mark.slow
def test_validation_measures_the_3d_samples(trained):
    with open(next((trained / "runs").rglob("metrics.csv"))) as handle:
        (row,) = [r for r in csv.DictReader(handle) if r["val/fid"]]
    assert float(row["val/fid"]) > 0
    kid, spread = float(row["val/kid"]), float(row["val/kid_std"])
    # KID is an unbiased estimate of a squared MMD (>= 0): it dips below 0 only by its noise
    assert math.isfinite(kid) and 0 < spread < math.inf and kid > -3 * spread
    assert float(row["val/samples_reference"]) == 45  # 15% of 300 polycubes
    # the discriminator is invariant by construction, so only rounding moves its score
    assert float(row["val/d_invariance"]) < 1e-5


@pytest.mark.slow
def test_sample_command_writes_projections_and_raw_voxels(trained, ginv_here):
    checkpoint = str(
        trained / "runs" / "polycubes_octahedral" / "version_0" / "checkpoints" / "last.ckpt"
    )
    png = ginv_here("sample", "--ckpt", checkpoint, "--n", "9", "--out", "grid.png", cwd=trained)
    assert png.returncode == 0, png.stderr[-3000:]
    with Image.open(trained / "grid.png") as grid:
        assert grid.size == (2 * (3 * 16 + 2) + 3 * 2, 5 * 16 + 6 * 2)  # 2 per row, 5 rows
    raw = ginv_here("sample", "--ckpt", checkpoint, "--n", "5", "--out", "grids.npz", cwd=trained)
    assert raw.returncode == 0, raw.stderr[-3000:]
    with np.load(trained / "grids.npz") as archive:
        grids = archive["images"]
    assert grids.shape == (5, 1, 16, 16, 16) and np.abs(grids).max() <= 1


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--metrics.features", "digits"), "'digits' works on 2-D images"),
        (("--model.group", "C4"), "C4 acts on 2-D space, but the data are 1-channel 16x16x16"),
    ],
)
def test_mismatched_settings_fail_with_one_clear_line(ginv_here, tmp_path, args, message):
    result = ginv_here("fit", "--config", str(CONFIG), *QUICK, "--trainer.logger", "false", *args,
                  cwd=tmp_path)  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert "ginv: error: " in result.stderr and message in result.stderr
    assert "Traceback" not in result.stderr


def test_params_builds_the_3d_model_of_the_plugin_config(ginv_here, tmp_path):
    result = ginv_here("params", str(CONFIG), cwd=tmp_path)
    assert result.returncode == 0, result.stderr[-3000:]
    header, row = (re.split(r"\s{2,}", line.strip()) for line in result.stdout.splitlines())
    built = dict(zip(header, row, strict=True))
    assert built["DATA"] == "1-channel 16x16x16 grids" and built["GROUP"] == "octahedral"
    assert built["GENERATOR"] == "EquivariantGenerator" and int(built["G PARAMS"]) > 0


@pytest.mark.slow
def test_checkpoint_without_its_plugin_names_the_pip_install(trained, tmp_path):
    checkpoint = (
        trained / "runs" / "polycubes_octahedral" / "version_0" / "checkpoints" / "last.ckpt"
    )
    script = Path(sys.executable).parent / "ginv"  # this environment: the plugin is not on its path
    result = subprocess.run(
        [str(script), "sample", "--ckpt", str(checkpoint), "--out", str(tmp_path / "x.npz")],
        capture_output=True, text=True, cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stderr[-3000:]
    assert "pip install ginv-volumetric==0.1.0" in result.stderr
    assert "Traceback" not in result.stderr and not (tmp_path / "x.npz").exists()
