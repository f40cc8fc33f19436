"""`ginv study` through the real console script: a tiny grid end to end, and resuming."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import lightning  # noqa: F401  (first imported here, not inside a test: on first import it
import pytest  # binds a log handler to the sys.stderr of the moment, in a test capsys's, closed
import torch  # after it; a refused study below imports it in this process)
import yaml

from ginv_lightning.cli import main
from ginv_lightning.errors import ConfigError
from ginv_lightning.study.config_file import load_config
from tests.conftest import REPO, run_ginv

TINY = {
    "target": {"name": "gaussian_mixture", "k": 4, "std": 0.25},
    "grid": {
        "n": [4, 16],
        "groups": ["C2"],
        "models": ["invariant", "symmetrized", "augmentation", "ordinary", "empirical"],
        "seeds": [0, 1],
    },
    "training": {"steps": 20, "batch_size": 32},
    "networks": {"generator_fields": [4], "discriminator_fields": [4], "latent_fields": 2},
    "evaluation": {"samples": 2000, "floor_repeats": 2, "trace": [0.5], "bootstrap": 200},
    "workers": 2,
}


MIXTURE = "ginv_lightning.data.targets.GaussianMixture"


def write_config(path: Path, **changes) -> Path:
    config = {**TINY, **changes}
    path.write_text(yaml.safe_dump(config))
    return path


def read_csv(path: Path) -> list[dict]:
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.slow
def test_tiny_grid_runs_end_to_end_with_two_workers(tmp_path):
    config = write_config(tmp_path / "study.yaml")
    out = tmp_path / "out"
    result = run_ginv("study", "--config", str(config), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    rows = read_csv(out / "results.csv")
    # 4 trained kinds with C2, the empirical kind with C1 and C2; 2 n, 2 seeds
    assert len(rows) == (4 + 2) * 2 * 2
    assert {(r["model"], r["group"]) for r in rows} == {
        ("invariant", "C2"), ("symmetrized", "C2"), ("augmentation", "C2"),
        ("ordinary", "C2"), ("empirical", "C2"), ("empirical", "C1"),
    }  # fmt: skip
    floor = float(rows[0]["floor"])
    assert 0 < floor < 0.2 and all(float(r["floor"]) == floor for r in rows)
    assert all(float(r["w1"]) > 0 for r in rows)
    trained = [r for r in rows if r["model"] != "empirical"]
    assert all(float(r["w1_at_0.5"]) > 0 and int(r["g_params"]) > 0 for r in trained)
    for r in trained:  # parameter budgets matched to the invariant networks within 10%
        invariant = next(
            x for x in trained if x["model"] == "invariant" and x["n"] == r["n"]
        )  # fmt: skip
        assert 0.9 <= int(r["g_params"]) / int(invariant["g_params"]) <= 1.1
        assert 0.9 <= int(r["d_params"]) / int(invariant["d_params"]) <= 1.1
    # the symmetrised empirical law beats the plain one at every n and seed
    by_key = {(r["model"], r["group"], r["n"], r["seed"]): float(r["w1"]) for r in rows}
    for n in ("4", "16"):
        for seed in ("0", "1"):
            assert by_key[("empirical", "C2", n, seed)] < by_key[("empirical", "C1", n, seed)]
    assert "[24/24]" in result.stdout and "noise floor" in result.stdout.lower()
    assert "| model | group |" in result.stdout
    assert (out / "w1_vs_n.png").stat().st_size > 10_000
    assert (out / "convergence.png").exists()
    summary = json.loads((out / "summary.json").read_text())
    lines = {(line["model"], line["group"]): line for line in summary["lines"]}
    assert lines[("invariant", "C2")]["reference"] == "ordinary C2"
    assert summary["floor"] == pytest.approx(floor)


@pytest.mark.slow
def test_interrupted_study_resumes_and_skips_finished_runs(tmp_path, capsys):
    grid = {**TINY["grid"], "models": ["invariant", "ordinary"], "n": [4, 8, 16]}
    config = write_config(tmp_path / "study.yaml", grid=grid, workers=1)
    out = tmp_path / "out"
    env = {**os.environ, "WANDB_MODE": "offline"}
    ginv = Path(sys.executable).parent / "ginv"
    process = subprocess.Popen(
        [str(ginv), "study", "--config", str(config), "--out", str(out)],
        cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    records = out / "runs"
    deadline = time.monotonic() + 300
    while len(list(records.glob("*.json"))) < 3:
        assert process.poll() is None, process.communicate()[1][-3000:]
        assert time.monotonic() < deadline, "no run finished in 300 s"
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the study and any worker it started
    process.wait()
    finished = {p.name: p.read_text() for p in records.glob("*.json")}
    assert all(json.loads(text) for text in finished.values())  # whole records only
    total = 2 * 3 * 2
    assert 3 <= len(finished) < total
    partial = read_csv(out / "results.csv")  # never half-written: a valid CSV of whole rows
    assert all(r["w1"] not in ("", None) for r in partial)

    result = run_ginv("study", "--config", str(config), "--out", str(out))
    assert result.returncode == 0, result.stderr[-3000:]
    assert f"{len(finished)} already finished" in result.stdout
    assert f"{total - len(finished)} to run" in result.stdout
    assert not list(out.rglob("*.tmp"))  # no temporary of the killed study is left
    for name, text in finished.items():  # skipped, not redone
        assert (records / name).read_text() == text
    rows = read_csv(out / "results.csv")
    assert len(rows) == total
    assert len({(r["model"], r["group"], r["n"], r["seed"]) for r in rows}) == total

    # refusals come before any training: `ginv` in this process, as the console script runs it
    changed = write_config(tmp_path / "study.yaml", grid=grid, training={"steps": 21})
    capsys.readouterr()
    assert main(["study", "--config", str(changed), "--out", str(out)]) == 2
    refused = capsys.readouterr().err
    assert "other settings" in refused and "Traceback" not in refused
    other = write_config(tmp_path / "other.yaml", grid=grid, workers=1)
    assert main(["study", "--config", str(other), "--out", str(out)]) == 2
    assert "holds the study 'study', not 'other'" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"grid": {"models": ["invariant", "magic"]}}, "grid.models"),
        ({"grid": {"groups": ["SO2"]}}, "finite group"),
        ({"training": {"stepz": 3}}, "unknown setting training.stepz"),
        ({"training": {"steps": "many"}}, "training.steps must be an integer"),
        ({"evaluation": {"samples": 500}}, "evaluation.samples must be >= 2000"),
        ({"target": {"name": "spiral"}}, "target.name"),
        ({"target": {"name": "curve", "k": 0}}, "k"),
        ({"target": {"class_path": "collections.OrderedDict"}}, "names no TargetLaw"),
        ({"target": {"class_path": "nowhere.Law"}}, "names no TargetLaw"),
        ({"target": {"class_path": MIXTURE, "init_args": {"k": 4, "colour": 1}}}, "colour"),
        ({"target": {"class_path": MIXTURE, "args": {}}}, "unknown setting target.args"),
    ],
)
def test_bad_study_configs_are_refused_with_what_is_accepted(tmp_path, change, message):
    config = write_config(tmp_path / "bad.yaml", **change)
    with pytest.raises(ConfigError, match=message):
        load_config(config)


def test_a_target_named_by_class_path_is_the_law_its_short_name_gives(tmp_path):
    options = {"k": 4, "std": 0.25}
    by_name = write_config(tmp_path / "a.yaml", target={"name": "gaussian_mixture", **options})
    by_path = write_config(
        tmp_path / "b.yaml",
        target={"class_path": MIXTURE, "init_args": options},
    )
    named, pathed = load_config(by_name).target, load_config(by_path).target
    assert torch.equal(named.sample_nested(300, 7), pathed.sample_nested(300, 7))


def test_a_bad_config_is_one_line_from_the_command(tmp_path):
    config = write_config(tmp_path / "bad.yaml", grid={"models": ["magic"]})
    result = run_ginv("study", "--config", str(config), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.startswith("ginv: error: grid.models") and "Traceback" not in result.stderr
