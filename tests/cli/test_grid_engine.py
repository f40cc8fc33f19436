"""`ginv study` on the grid engine `ginv compare` runs on: committed runs reproduced, owners
refused across commands, runs as submitit jobs, the machine and launcher flags."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
import yaml

from ginv_lightning.shipped_configs import find_config
from tests.cli.test_compare import one_cell_file

REPO = Path(__file__).resolve().parents[2]
TINY = {
    "target": {"name": "gaussian_mixture", "k": 4, "std": 0.25},
    "grid": {"n": [4], "groups": ["C2"], "models": ["empirical", "ordinary"], "seeds": [0]},
    "training": {"steps": 5, "batch_size": 32},
    "networks": {"generator_fields": [4], "discriminator_fields": [4], "latent_fields": 2},
    "evaluation": {"samples": 2000, "floor_repeats": 2, "trace": [0.5], "bootstrap": 200},
    "workers": 1,
}


def study_file(folder: Path, name: str = "tiny.yaml", **changes: object) -> Path:
    path = folder / name
    path.write_text(yaml.safe_dump({**TINY, **changes}))
    return path


def rows(path: Path) -> dict[tuple[str, ...], dict[str, str]]:
    with open(path, newline="") as handle:
        return {(r["model"], r["group"], r["n"], r["seed"]): r for r in csv.DictReader(handle)}


def test_committed_study_runs_are_reproduced_through_the_engine(ginv, tmp_path):
    spec = yaml.safe_load(find_config("study_gmm_c4").read_text())
    spec["grid"] = {"n": [4], "groups": ["C4"], "models": ["empirical", "ordinary"], "seeds": [0]}
    path = tmp_path / "study_gmm_c4.yaml"
    path.write_text(yaml.safe_dump(spec))
    result = ginv("study", "--config", str(path), "--out", "out", "--workers", "1")
    assert result.returncode == 0, result.stderr
    made = rows(tmp_path / "out" / "results.csv")
    committed = rows(REPO / "docs" / "study" / "gmm_c4" / "results.csv")
    assert set(made) == {("empirical", "C1", "4", "0"), ("empirical", "C4", "4", "0"),
                         ("ordinary", "C4", "4", "0")}  # fmt: skip
    for key, row in made.items():  # bit for bit, the W1 along training too
        for column in ("w1", "w1_at_0.5", "g_params", "d_params", "floor"):
            assert row[column] == committed[key][column], (key, column)


def test_a_study_and_a_comparison_never_share_a_folder(ginv, tmp_path):
    assert ginv("study", "--config", str(study_file(tmp_path)), "--out", "study").returncode == 0
    owner = json.loads((tmp_path / "study" / "study.json").read_text())
    assert owner["study"] == "tiny" and owner["spec"]["training"]["steps"] == 5
    spec = str(one_cell_file(tmp_path, "faces_flip"))
    refused = ginv("compare", "--config", spec, "--out", "study")
    assert refused.returncode == 2 and len(refused.stderr.strip().splitlines()) == 1
    assert "holds a study, not a comparison" in refused.stderr
    assert not (tmp_path / "study" / "cells").exists()
    assert ginv("compare", "--config", spec, "--out", "cmp").returncode == 0
    refused = ginv("study", "--config", str(study_file(tmp_path)), "--out", "cmp")
    assert refused.returncode == 2 and "holds a comparison, not a study" in refused.stderr
    assert (
        not (tmp_path / "cmp" / "runs").exists() and not (tmp_path / "cmp" / "floor.json").exists()
    )


@pytest.mark.parametrize(
    ("flags", "message"),
    [
        (["--trainer.accelerator", "abacus"], "--trainer.accelerator 'abacus' is not one of"),
        (["--trainer.precision", "8-bit"], "--trainer.precision '8-bit' is not one of"),
        (["--slurm.time", "5"], "--slurm.time is for --launcher slurm"),
        (["--workers", "2", "--launcher", "submitit-local"], "--workers is for --launcher local"),
    ],
)
def test_bad_machine_or_launcher_flags_get_one_line_and_create_nothing(ginv, tmp_path, flags,
                                                                       message):  # fmt: skip
    result = ginv("study", "--config", str(study_file(tmp_path)), "--out", "out", *flags)
    assert result.returncode == 2 and len(result.stderr.strip().splitlines()) == 1
    assert message in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_study_runs_as_submitit_jobs_give_the_records_of_the_in_process_launcher(ginv, tmp_path):
    spec = str(study_file(tmp_path))
    here = ginv("study", "--config", spec, "--out", "here", "--trainer.accelerator", "cpu")
    assert here.returncode == 0, here.stderr
    jobs = ginv("study", "--config", spec, "--out", "jobs", "--launcher", "submitit-local")
    assert jobs.returncode == 0, jobs.stderr
    assert "submitted 3 cells as jobs" in jobs.stdout and "[3/3]" in jobs.stdout

    def records(folder: str) -> dict[str, dict]:
        found = {}
        for path in sorted((tmp_path / folder / "runs").glob("*.json")):
            record = json.loads(path.read_text())
            record.pop("seconds")
            found[path.name] = record
        return found

    assert len(records("jobs")) == 3 and records("jobs") == records("here")
