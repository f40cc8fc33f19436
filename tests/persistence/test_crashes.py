"""Runs never mix and a kill loses at most one checkpoint interval: real processes, real kills."""

from __future__ import annotations

import csv
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import pytest
import torch

from tests.conftest import REPO, run_ginv

QUIET = ("--trainer.enable_progress_bar", "false", "--metrics.enabled", "false",
         "--trainer.log_every_n_steps", "1")  # fmt: skip


def fit(config: str, *extra: str) -> list[str]:
    return ["fit", "--config", config, *QUIET, *extra]


@dataclass
class Started:
    """A ``ginv`` in a process (and session) of its own; its stderr goes to a file, which,
    unlike a pipe nobody reads until the end, can never fill up and block it."""

    process: subprocess.Popen
    log: IO[str]

    def stderr(self) -> str:
        """The end of its stderr, or the thread stacks it printed on SIGABRT."""
        self.log.seek(0)
        text = self.log.read()
        dump = text.find("Fatal Python error")
        return text[dump : dump + 8000] if dump >= 0 else text[-3000:]

    def signal_state(self) -> str:
        """Its signal bit masks (pending, blocked, ignored, caught), from /proc."""
        with open(f"/proc/{self.process.pid}/status") as status:
            return " ".join(line.strip() for line in status if line.startswith(("Sig", "ShdPnd")))


def start(args: list[str], cwd: Path) -> Started:
    env = {**os.environ, "PYTHONPATH": str(REPO), "WANDB_MODE": "offline"}
    env["PYTHONFAULTHANDLER"] = "1"  # a SIGABRT prints every thread's stack (see below)
    ginv = Path(sys.executable).parent / "ginv"
    log = tempfile.TemporaryFile("w+")  # noqa: SIM115 (outlives this call, as the process does)
    process = subprocess.Popen(
        [str(ginv), *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL,
        stderr=log, text=True, start_new_session=True, preexec_fn=_default_ctrl_c,
    )  # fmt: skip
    return Started(process, log)


def _default_ctrl_c() -> None:
    """In the child, before exec: Ctrl-C unblocked and with its default action, as in a
    terminal, whatever this test process set or inherited (a child inherits both, and a
    Python that starts with SIGINT ignored keeps ignoring it)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})


def step_of(checkpoint: Path) -> int:
    return torch.load(checkpoint, weights_only=True)["global_step"]


def logged_steps(run: Path) -> list[int]:
    with open(run / "metrics.csv") as handle:
        return [int(row["step"]) for row in csv.DictReader(handle) if row.get("train/d_loss")]


@pytest.mark.slow
def test_two_fits_started_together_in_one_folder_never_share_a_file(tmp_path):
    fits = [start(fit("rotdigits_c4", "--trainer.max_steps", "20"), tmp_path) for _ in "ab"]
    for started in fits:
        assert started.process.wait(timeout=600) == 0, started.stderr()
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
def test_a_kill_during_a_checkpoint_write_keeps_the_previous_one_and_resume_cleans_up(tmp_path):
    """Also: a live run's folder is locked (two resumes used to write into one folder)."""
    marker = tmp_path / "paused"
    plugin = json.dumps({"class_path": "tests.persistence.pausing_io.PausingCheckpointIO",
                         "init_args": {"marker": str(marker), "pause_at": 4}})  # fmt: skip
    # writes: step=38 and last at the end of epoch 1, step=76, then last.ckpt of step 76 pauses
    started = start(fit("rotdigits_c4", "--trainer.max_steps", "400", "--trainer.plugins", plugin),
                    tmp_path)  # fmt: skip
    process = started.process
    deadline = time.monotonic() + 600
    while not marker.exists():
        assert process.poll() is None, started.stderr()
        assert time.monotonic() < deadline
        time.sleep(0.2)
    # while it lives, its run folder is locked: a resume of it is one line naming the process
    second = run_ginv(*fit("rotdigits_c4", "--trainer.max_steps", "80", "--ckpt_path", "last"),
                      cwd=tmp_path)  # fmt: skip
    assert second.returncode == 2 and second.stderr.count("ginv: error:") == 1
    assert "Traceback" not in second.stderr
    assert f"is being written by process {process.pid}, a live ginv run" in second.stderr
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    checkpoints = tmp_path / "runs/rotdigits_c4/version_0/checkpoints"
    assert [p.name for p in (tmp_path / "runs/rotdigits_c4").iterdir()] == ["version_0"]
    paused_path, paused_step = marker.read_text().split()
    assert Path(paused_path).name == "last.ckpt" and paused_step == "76"
    assert step_of(checkpoints / "last.ckpt") == 38  # the previous one, whole
    assert len(list(checkpoints.glob(".last.ckpt.*.tmp"))) == 1  # the interrupted write

    resumed = run_ginv(*fit("rotdigits_c4", "--trainer.max_steps", "80", "--ckpt_path", "last"),
                       cwd=tmp_path)  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-3000:]  # the dead process's lock is no bar
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

    started = start(fit("rotdigits_c4", "--trainer.max_steps", "100000"), tmp_path)
    process = started.process
    first = tmp_path / "runs/rotdigits_c4/version_1/checkpoints/last.ckpt"
    deadline = time.monotonic() + 600
    while not first.exists():
        assert process.poll() is None and time.monotonic() < deadline, started.stderr()
        time.sleep(0.2)
    time.sleep(1.5)  # into the next epoch
    process.send_signal(signal.SIGINT)
    try:
        process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        signals = started.signal_state()
        process.send_signal(signal.SIGABRT)  # its threads' stacks, to say where it hangs
        time.sleep(5)
        os.killpg(process.pid, signal.SIGKILL)
        raise AssertionError(
            f"no exit 120 s after Ctrl-C; {signals}; stderr: {started.stderr()}"
        ) from None
    interrupted = logged_steps(first.parent.parent)[-1]
    assert step_of(first) >= 2 * (interrupted + 1) > 38  # saved at the interrupt, mid-epoch
