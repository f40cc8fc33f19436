"""The same seed on CPU gives the same losses, step for step."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from tests.conftest import REPO, run_ginv


def losses(root: Path) -> list[tuple[str, str, str]]:
    result = run_ginv(
        "fit", "--config", str(REPO / "configs/rotdigits_c4.yaml"), "--trainer.max_steps", "20",
        "--trainer.log_every_n_steps", "1", "--metrics.enabled", "false",
        "--trainer.enable_progress_bar", "false", cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    with open(next(root.rglob("metrics.csv"))) as handle:
        rows = list(csv.DictReader(handle))
    return [(r["step"], r["train/d_loss"], r["train/g_loss"]) for r in rows if r["train/d_loss"]]


@pytest.mark.slow
def test_two_runs_with_one_seed_log_identical_losses(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    first, second = losses(tmp_path / "a"), losses(tmp_path / "b")
    assert len(first) == 10
    assert first == second
