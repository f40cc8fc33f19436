"""``ginv compare --launcher``: cells as submitit jobs (real subprocesses), same records."""

from __future__ import annotations

import sys

import pytest

from tests.cli.test_compare import comparison_file, records

ALL_BUT_TIME = ("swd", "d_invariance", "fid_orbit", "train_images", "g_params", "d_params")


def _numbers(found: dict[str, dict]) -> dict[str, list]:
    return {name: [record[k] for k in ALL_BUT_TIME] for name, record in found.items()}


@pytest.mark.slow
def test_submitit_jobs_finish_a_grid_with_the_records_of_the_in_process_launcher(ginv, tmp_path):
    spec = comparison_file(tmp_path)  # 2 configs x 2 fractions: 4 cells
    local = ginv("compare", "--config", str(spec), "--out", "here")
    assert local.returncode == 0, local.stderr
    jobs = ginv("compare", "--config", str(spec), "--out", "jobs", "--launcher", "submitit-local")
    assert jobs.returncode == 0, jobs.stderr
    assert "submitted 4 cells as jobs" in jobs.stdout and jobs.stdout.count("] Faces tiny |") == 4
    assert _numbers(records(tmp_path / "jobs")) == _numbers(records(tmp_path / "here"))
    assert "| 50% (35 images) | faces_cnn |" in (tmp_path / "jobs" / "table.md").read_text()

    # a cell whose job died left no record: the same command runs that cell alone again
    lost = next(name for name in records(tmp_path / "jobs") if "faces_cnn-f0.5" in name)
    (tmp_path / "jobs" / "cells" / lost).unlink()
    again = ginv("compare", "--config", str(spec), "--out", "jobs", "--launcher", "submitit-local")
    assert again.returncode == 0, again.stderr
    assert "submitted 1 cells as jobs" in again.stdout
    assert _numbers(records(tmp_path / "jobs")) == _numbers(records(tmp_path / "here"))


def test_slurm_flags_need_the_slurm_launcher(ginv, tmp_path):
    result = ginv("compare", "--config", str(comparison_file(tmp_path)), "--slurm.partition", "gpu")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "--slurm.partition is for --launcher slurm" in result.stderr
    assert not (tmp_path / "cmp").exists()


def test_a_launcher_without_its_package_or_its_scheduler_is_one_line(ginv, tmp_path, monkeypatch):
    spec = str(comparison_file(tmp_path))
    monkeypatch.setenv("PATH", str(tmp_path))  # no sbatch
    result = ginv("compare", "--config", spec, "--launcher", "slurm", "--slurm.partition", "gpu")
    assert result.returncode == 2 and "sbatch is not on this machine's PATH" in result.stderr
    monkeypatch.setitem(sys.modules, "submitit", None)  # as if not installed
    result = ginv("compare", "--config", spec, "--launcher", "submitit-local")
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert "needs submitit: pip install submitit" in result.stderr
    assert not (tmp_path / "cmp").exists()
