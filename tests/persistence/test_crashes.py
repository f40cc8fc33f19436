"""Runs never mix and a kill loses at most one checkpoint interval: real processes, real kills."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO, run_ginv

QUIET = ("--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
         "--trainer.log_every_n_steps", "1")  # fmt: skip


def fit(config: str, *extra: str) -> list[str]:
    return ["fit", "--config", config, *QUIET, *extra]


def start(args: list[str], cwd: Path) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO), "WANDB_MODE": "offline"}
    ginv = Path(sys.executable).parent / "ginv"
    return subprocess.Popen(
        [str(ginv), *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip


def step_of(checkpoint: Path) -> int:
    return torch.load(checkpoint, weights_only=True)["global_step"]


def logged_steps(run: Path) -> list[int]:
    with open(run / "metrics.csv") as handle:
        return [int(row["step"]) for row in csv.DictReader(handle) if row.get("train/d_loss")]


@pytest.mark.slow
def test_two_fits_started_together_in_one_folder_never_share_a_file(tmp_path):
    processes = [start(fit("rotdigits_c4", "--trainer.max_steps", "20"), tmp_path) for _ in "ab"]
    for process in processes:
        assert process.wait(timeout=600) == 0, process.stderr.read()[-3000:]
    runs = sorted((tmp_path / "runs" / "rotdigits_c4").iterdir())
    assert [r.name for r in runs] == ["version_0", "version_1"]
    for run in runs:
        steps = logged_steps(run)
        assert steps == sorted(set(steps)) and len(steps) == 10  # one row per logged batch
        assert len(list(run.glob("wandb/offline-run-*/run-*.wandb"))) == 1
        assert sorted(p.name for p in (run / "checkpoints").iterdir()) == [
            "last.ckpt", "step=0000020.ckpt"]  # fmt: skip
        assert json.loads((run / "experiment.json").read_text())["name"] == "rotdigits_c4"
    assert not list((tmp_path / "runs").glob("wandb"))  # nothing shared beside the runs


@pytest.mark.slow
def test_resume_picks_the_same_experiment_even_when_another_run_is_newer(tmp_path):
    first = run_ginv(*fit("rotdigits_c4", "--trainer.max_steps", "10"), cwd=tmp_path)
    assert first.returncode == 0, first.stderr[-3000:]
    other = run_ginv(*fit("rotdigits_cnn", "--trainer.max_steps", "10"), cwd=tmp_path)
    assert other.returncode == 0, other.stderr[-3000:]
    cnn_last = tmp_path / "runs/rotdigits_cnn/version_0/checkpoints/last.ckpt"
    before = cnn_last.read_bytes()

    resumed = run_ginv(*fit("rotdigits_c4", "--trainer.max_steps", "16", "--ckpt_path", "last"),
                       cwd=tmp_path)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert "resuming from runs/rotdigits_c4/version_0/checkpoints/last.ckpt" in resumed.stderr
    assert step_of(tmp_path / "runs/rotdigits_c4/version_0/checkpoints/last.ckpt") == 16
    assert cnn_last.read_bytes() == before
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == [
        "rotdigits_c4",
        "rotdigits_cnn",
    ]

    c4_last = tmp_path / "runs/rotdigits_c4/version_0/checkpoints/last.ckpt"
    forced = run_ginv(*fit("rotdigits_cnn", "--ckpt_path", str(c4_last)), cwd=tmp_path)
    assert forced.returncode == 2 and "Traceback" not in forced.stderr
    assert (
        "(config 'rotdigits_c4') does not match this run (config 'rotdigits_cnn')" in forced.stderr
    )
    assert "model.generator.class_path" in forced.stderr
    assert [p.name for p in (tmp_path / "runs/rotdigits_cnn").iterdir()] == ["version_0"]
    evaluated = run_ginv("validate", "--config", "rotdigits_cnn", "--ckpt_path", str(c4_last),
                         "--model.group", "D4", cwd=tmp_path)  # fmt: skip
    assert evaluated.returncode == 2 and "model.generator.class_path" in evaluated.stderr

    fresh = run_ginv(*fit("rotdigits_symmetrized", "--trainer.max_steps", "4",
                          "--ckpt_path", "last"), cwd=tmp_path)  # fmt: skip
    assert fresh.returncode == 0 and "resuming" not in fresh.stderr  # no run yet: a fresh start
    assert step_of(tmp_path / "runs/rotdigits_symmetrized/version_0/checkpoints/last.ckpt") == 4


@pytest.mark.slow
def test_a_kill_during_a_checkpoint_write_keeps_the_previous_one_and_resume_cleans_up(tmp_path):
    marker = tmp_path / "paused"
    plugin = json.dumps({"class_path": "tests.persistence.pausing_io.PausingCheckpointIO",
                         "init_args": {"marker": str(marker), "pause_at": 4}})  # fmt: skip
    # writes: step=38 and last at the end of epoch 1, step=76, then last.ckpt of step 76 pauses
    process = start(fit("rotdigits_c4", "--trainer.max_steps", "400", "--trainer.plugins", plugin),
                    tmp_path)  # fmt: skip
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert process.poll() is None, process.stderr.read()[-3000:]
        assert time.monotonic() < deadline
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    checkpoints = tmp_path / "runs/rotdigits_c4/version_0/checkpoints"
    paused_path, paused_step = marker.read_text().split()
    assert Path(paused_path).name == "last.ckpt" and paused_step == "76"
    assert step_of(checkpoints / "last.ckpt") == 38  # the previous one, whole
    assert len(list(checkpoints.glob(".last.ckpt.*.tmp"))) == 1  # the interrupted write

    resumed = run_ginv(*fit("rotdigits_c4", "--trainer.max_steps", "80", "--ckpt_path", "last"),
                       cwd=tmp_path)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    assert not list(checkpoints.glob(".*.tmp"))
    assert step_of(checkpoints / "last.ckpt") == 80
    steps = logged_steps(checkpoints.parent)
    assert steps == sorted(set(steps))  # rows after the checkpoint were dropped, then relogged


@pytest.mark.slow
def test_training_that_ends_by_max_time_or_ctrl_c_checkpoints_its_last_step(tmp_path):
    timed = run_ginv(*fit("rotdigits_c4", "--trainer.max_time", "00:00:00:08"), cwd=tmp_path)
    assert timed.returncode == 0, timed.stderr[-3000:]
    run = tmp_path / "runs/rotdigits_c4/version_0"
    final = logged_steps(run)[-1]  # the last logged batch: two optimiser steps each
    assert step_of(run / "checkpoints" / "last.ckpt") == 2 * (final + 1)

    process = start(fit("rotdigits_c4", "--trainer.max_steps", "100000"), tmp_path)
    first = tmp_path / "runs/rotdigits_c4/version_1/checkpoints/last.ckpt"
    deadline = time.monotonic() + 600
    while not first.exists():
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.2)
    time.sleep(1.5)  # into the next epoch
    process.send_signal(signal.SIGINT)
    process.wait(timeout=300)  # saving and closing W&B take long when the suite runs beside
    interrupted = logged_steps(first.parent.parent)[-1]
    assert step_of(first) >= 2 * (interrupted + 1) > 38  # saved at the interrupt, mid-epoch
