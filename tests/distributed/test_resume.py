"""A run killed with SIGKILL resumes from its last checkpoint: step, optimisers, EMA, logs."""

from __future__ import annotations

import csv
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO, run_ginv
from tests.wandb_records import history, run_id

ARGS = (
    "fit", "--config", str(REPO / "configs/rotdigits_c4.yaml"),
    "--checkpoint.every_n_train_steps", "20", "--trainer.log_every_n_steps", "2",
    "--trainer.check_val_every_n_epoch", "1", "--metrics.num_samples", "200",
    "--metrics.cache_dir", "", "--trainer.enable_progress_bar", "false",
)  # fmt: skip


def last_step(root: Path) -> int:
    found = list(root.glob("runs/rotdigits_c4/version_*/checkpoints/last.ckpt"))
    if not found:
        return -1
    try:
        return torch.load(found[0], weights_only=True)["global_step"]
    except Exception:  # being replaced right now
        return -1


@pytest.fixture(scope="module")
def killed_and_resumed(tmp_path_factory) -> tuple[Path, int]:
    root = tmp_path_factory.mktemp("crash")
    env = {**os.environ, "PYTHONPATH": str(REPO), "WANDB_MODE": "offline"}
    ginv = Path(sys.executable).parent / "ginv"
    process = subprocess.Popen(
        [str(ginv), *ARGS, "--trainer.max_steps", "1000"], cwd=root, env=env,
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
    )  # fmt: skip
    deadline = time.time() + 300
    while last_step(root) < 60 and time.time() < deadline and process.poll() is None:
        time.sleep(0.5)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = last_step(root)
    assert killed_at >= 60, "the run should have checkpointed before the kill"
    last = next(root.glob("runs/rotdigits_c4/version_*/checkpoints/last.ckpt"))
    (root / "killed.ckpt").write_bytes(last.read_bytes())  # what the resumed run must restore
    resumed = run_ginv(
        *ARGS, "--trainer.max_steps", str(killed_at + 40), "--ckpt_path", "last",
        "--trainer.callbacks+=tests.distributed.probe.Probe",
        "--trainer.callbacks.out", str(root / "probe"), extra_path=REPO, cwd=root,
    )  # fmt: skip
    assert resumed.returncode == 0, resumed.stderr[-4000:]
    assert "ginv: resuming from runs/rotdigits_c4/version_0/checkpoints/last.ckpt" in resumed.stderr
    return root, killed_at


@pytest.mark.slow
def test_resumed_run_starts_at_the_checkpoint_with_its_optimiser_and_ema_state(
    killed_and_resumed,
):
    root, killed_at = killed_and_resumed
    start = torch.load(root / "probe" / "start_rank0.pt", weights_only=False)
    checkpoint = torch.load(root / "killed.ckpt", weights_only=True)
    assert start["global_step"] == killed_at
    for saved, restored in zip(checkpoint["optimizer_states"], start["optimizers"], strict=True):
        for key, value in saved["state"].items():
            assert torch.equal(value["exp_avg"], restored["state"][key]["exp_avg"])
    ema = {k[len("ema.") :]: v for k, v in checkpoint["state_dict"].items() if k.startswith("ema.")}
    assert ema and all(torch.equal(v, start["ema"][k]) for k, v in ema.items())
    end = torch.load(root / "probe" / "end_rank0.pt", weights_only=False)
    assert end["global_step"] == killed_at + 40


@pytest.mark.slow
def test_logs_continue_in_the_same_csv_and_wandb_run(killed_and_resumed):
    root, killed_at = killed_and_resumed
    assert sorted(p.name for p in (root / "runs/rotdigits_c4").iterdir()) == ["version_0"]
    with open(root / "runs/rotdigits_c4/version_0/metrics.csv") as handle:
        steps = [int(r["step"]) for r in csv.DictReader(handle) if r["train/d_loss"]]
    assert steps == sorted(steps) and len(steps) == len(set(steps))
    assert steps[-1] == (killed_at + 40) // 2 - 1  # two optimiser steps per logged batch
    runs = sorted((root / "runs/rotdigits_c4/version_0/wandb").glob("offline-run-*/run-*.wandb"))
    # SIGKILL may leave the killed run's file without its run record (wandb had not flushed),
    # so its id is read from the name wandb gave it: run-<id>.wandb
    assert len(runs) == 2 and run_id(runs[1]) == runs[0].stem.removeprefix("run-")
    # Lightning's loggers count batches (two optimiser steps each), not optimiser steps
    resumed_steps = [r["trainer/global_step"] for r in history(runs[1]) if "train/d_loss" in r]
    assert min(resumed_steps) >= killed_at // 2
