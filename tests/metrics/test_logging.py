"""A short real `ginv fit` logs metrics to an offline W&B run and a CSV file; both read back."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import run_ginv
from tests.wandb_records import config, history

METRIC_KEYS = {
    "val/fid", "val/kid", "val/kid_std", "val/fid_orbit", "val/d_invariance",
    "val/digit_confidence", "val/digit_class_entropy",
    "val/samples_generated", "val/samples_reference",
}  # fmt: skip


def short_run(workdir: Path, *extra: str):
    return run_ginv(
        "fit", "--config", str(Path.cwd() / "configs/rotdigits_c4.yaml"),
        "--trainer.max_epochs", "2", "--trainer.check_val_every_n_epoch", "1",
        "--trainer.enable_progress_bar", "false", "--data.init_args.num_train", "256",
        "--metrics.num_samples", "300", "--metrics.cache_dir", str(workdir / "cache"),
        *extra, cwd=workdir,
    )  # fmt: skip


@pytest.fixture(scope="module")
def logged_run(tmp_path_factory) -> Path:
    workdir = tmp_path_factory.mktemp("logged-run")
    result = short_run(workdir)
    assert result.returncode == 0, result.stderr[-3000:]
    return workdir


def test_offline_wandb_run_holds_metrics_config_and_sample_grids(logged_run):
    run_file = next(
        (logged_run / "runs").glob("rotdigits_c4/version_0/wandb/offline-run-*/run-*.wandb")
    )
    rows = history(run_file)
    logged = {key for row in rows for key in row}
    assert logged >= METRIC_KEYS
    evaluations = [row for row in rows if "val/fid" in row]
    assert len(evaluations) == 2
    assert all(row["val/samples_generated"] == 300 for row in evaluations)
    assert all(row["val/samples_reference"] == 270 for row in evaluations)
    assert any(row.get("samples/_type") == "images/separated" for row in rows)
    settings = config(run_file)
    assert settings["group"] == "C4"
    assert settings["config"]["data"]["class_path"] == "ginv_lightning.data.RotDigits"
    assert settings["config"]["metrics"]["num_samples"] == 300


def test_csv_file_holds_the_same_metrics(logged_run):
    """The same keys and the same values as the W&B run, evaluation by evaluation."""
    metrics_file = next((logged_run / "runs").rglob("metrics.csv"))
    with open(metrics_file) as handle:
        rows = list(csv.DictReader(handle))
    assert set(rows[0]) >= METRIC_KEYS
    in_csv = [{k: float(r[k]) for k in METRIC_KEYS} for r in rows if r["val/fid"]]
    run_file = next((logged_run / "runs").glob("rotdigits_c4/version_0/wandb/*/run-*.wandb"))
    in_wandb = [{k: float(r[k]) for k in METRIC_KEYS} for r in history(run_file) if "val/fid" in r]
    assert len(in_csv) == len(in_wandb) == 2 and all(row["val/fid"] > 0 for row in in_csv)
    for csv_row, wandb_row in zip(in_csv, in_wandb, strict=True):
        assert csv_row == pytest.approx(wandb_row, rel=1e-6)  # both float32 values, printed


@pytest.fixture(scope="module")
def rerun(logged_run) -> tuple[Path, list[Path], list[int]]:
    """The same run again in the same directory: the cache must serve it."""
    cached = sorted((logged_run / "cache").glob("*.pt"))
    times = [p.stat().st_mtime_ns for p in cached]
    result = short_run(logged_run)
    assert result.returncode == 0, result.stderr[-3000:]
    return logged_run, cached, times


def fids(metrics_file: Path) -> list[str]:
    with open(metrics_file) as handle:
        return [r["val/fid"] for r in csv.DictReader(handle) if r["val/fid"]]


def test_reference_features_are_cached_by_content_and_reused(rerun):
    workdir, cached, times = rerun
    assert len(cached) == 1
    assert sorted((workdir / "cache").glob("*.pt")) == cached
    assert [p.stat().st_mtime_ns for p in cached] == times  # read, not rewritten
    other = short_run(workdir, "--trainer.max_epochs", "1", "--data.init_args.seed", "1")
    assert other.returncode == 0, other.stderr[-3000:]
    assert len(list((workdir / "cache").glob("*.pt"))) == 2  # another split: new key


def test_the_same_seed_reproduces_the_metrics(rerun):
    workdir, _, _ = rerun
    first = fids(workdir / "runs/rotdigits_c4/version_0/metrics.csv")
    again = fids(workdir / "runs/rotdigits_c4/version_1/metrics.csv")
    assert len(first) == 2 and again == first


def test_a_failed_start_with_wandb_points_to_no_removed_folder(tmp_path):
    """The run folder of a failed start is removed; W&B's footer used to name it anyway."""
    result = run_ginv(
        "fit", "--config", str(Path.cwd() / "configs/rotdigits_c4.yaml"),
        "--metrics.features", "inception", "--trainer.max_epochs", "1",
        cwd=tmp_path, env={"TORCH_HOME": str(tmp_path / "torch")},
    )  # fmt: skip
    assert result.returncode == 2 and "are not at" in result.stderr
    assert "wandb sync" not in result.stdout + result.stderr
    assert not list((tmp_path / "runs").glob("rotdigits_c4/version_*"))
