"""DDP on CPU (gloo): two processes on one node and two torchrun "nodes" on 127.0.0.1."""

from __future__ import annotations

import csv
import os
import socket
import subprocess
import sys
from collections.abc import Callable
from functools import partial
from pathlib import Path

import lightning  # noqa: F401  (bound to the real stderr before capsys; see tests/cli/conftest)
import pytest
import torch
import wandb  # noqa: F401

from ginv_lightning.plugin_testing import run_ginv_here
from tests.conftest import REPO, run_ginv

CONFIG = str(REPO / "configs/rotdigits_c4_wgan_gp.yaml")  # gradient penalty, two critic steps
DDP = ("--trainer.strategy", "ddp", "--trainer.devices", "2", "--trainer.accelerator", "cpu")
QUIET = ("--trainer.enable_progress_bar", "false", "--data.init_args.num_train", "256")


def probe(out: Path) -> tuple[str, ...]:
    return (
        "--trainer.callbacks+=tests.distributed.probe.Probe",
        "--trainer.callbacks.out",
        str(out),
    )


def load(path: Path) -> dict:
    return torch.load(path, weights_only=False)


def assert_identical_networks(first: dict, second: dict) -> None:
    for network in ("generator", "discriminator", "ema"):
        for name, value in first[network].items():
            assert torch.equal(value, second[network][name]), (network, name)


@pytest.fixture(scope="module")
def ddp_run(tmp_path_factory) -> Path:
    """Twelve optimiser steps on two processes, validating every three batches."""
    root = tmp_path_factory.mktemp("ddp")
    result = run_ginv(
        "fit", "--config", CONFIG, *DDP, *QUIET, *probe(root / "probe"),
        "--trainer.max_steps", "12", "--trainer.val_check_interval", "3",
        "--trainer.check_val_every_n_epoch", "null",
        "--metrics.num_samples", "500", "--metrics.cache_dir", "",
        extra_path=REPO, cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    return root


@pytest.mark.slow
def test_networks_are_identical_on_every_rank_after_penalised_steps(ddp_run):
    ends = [load(ddp_run / "probe" / f"end_rank{r}.pt") for r in (0, 1)]
    assert [e["world_size"] for e in ends] == [2, 2]
    assert ends[0]["global_step"] == ends[1]["global_step"] == 12
    starts = load(ddp_run / "probe" / "start_rank0.pt")
    moved = any(
        not torch.equal(v, ends[0]["discriminator"][k]) for k, v in starts["discriminator"].items()
    )
    assert moved  # the check is not vacuous: training changed the weights
    assert_identical_networks(*ends)


@pytest.mark.slow
def test_each_rank_draws_its_own_noise(ddp_run):
    """Seeded alike, the ranks would generate the same fake batch; the networks still agree."""
    starts = [load(ddp_run / "probe" / f"start_rank{r}.pt") for r in (0, 1)]
    assert not torch.equal(starts[0]["rng"], starts[1]["rng"])
    assert_identical_networks(*starts)


@pytest.mark.slow
def test_a_blow_up_on_one_rank_stops_every_rank_with_its_message(tmp_path):
    """Each rank judges its own losses; stopping alone, one would leave the others waiting in
    the next collective call (until the launcher kills them, or for NCCL's 30 minutes)."""
    result = run_ginv(
        "fit", "--config", CONFIG, *DDP, *QUIET, "--metrics.enabled", "false",
        "--trainer.max_steps", "12", "--trainer.callbacks+=tests.distributed.probe.SpoilOneRank",
        extra_path=REPO, cwd=tmp_path,
    )  # fmt: skip
    errors = [line for line in result.stderr.splitlines() if line.startswith("ginv: error:")]
    assert result.returncode != 0
    assert len(errors) == 2 and "Traceback" not in result.stderr, result.stderr[-3000:]
    assert all(line.count("ginv: error:") == 1 for line in errors)  # one write each
    assert sum("discriminator loss became nan at global step 4" in line for line in errors) == 1
    assert sum("another process's training values went bad" in line for line in errors) == 1


@pytest.mark.slow
def test_metric_generation_is_split_across_ranks(ddp_run):
    generated = [load(ddp_run / "probe" / f"end_rank{r}.pt")["generated_here"] for r in (0, 1)]
    assert generated == [250, 250]


@pytest.mark.slow
def test_only_rank_zero_writes_logs_grids_and_config(ddp_run):
    runs = ddp_run / "runs"
    assert len(list(runs.rglob("wandb/offline-run-*"))) == 1
    assert len(list(runs.rglob("config.yaml"))) == 1
    assert len(list(runs.rglob("metrics.csv"))) == 1
    grids = sorted(p.name for p in runs.rglob("samples/step_*.png"))
    assert grids and len(grids) == len(set(grids))
    assert len(list(runs.glob("*/version_*"))) == 1


def validate(
    run: Callable[..., subprocess.CompletedProcess], checkpoint: Path, root: Path, *extra: str
) -> dict[str, float]:
    root.mkdir()
    logger = f'{{"class_path": "ginv_lightning.persistence.csv_logger.ResumableCSVLogger", "init_args": {{"save_dir": "{root}", "name": "v"}}}}'  # noqa: E501
    result = run(
        "validate", "--config", CONFIG, "--ckpt_path", str(checkpoint), "--trainer.logger", logger,
        "--metrics.num_samples", "540", "--metrics.batch_size", "135", "--metrics.cache_dir", "",
        "--trainer.enable_progress_bar", "false", *extra, cwd=root,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-4000:]
    with open(next(root.rglob("metrics.csv"))) as handle:
        row = next(csv.DictReader(handle))
    return {k: float(v) for k, v in row.items() if k.startswith("val/")}


@pytest.mark.slow
def test_metrics_across_ranks_equal_the_single_process_values(ddp_run, tmp_path, capsys):
    checkpoint = next(ddp_run.rglob("last.ckpt"))
    single = validate(partial(run_ginv_here, capsys), checkpoint, tmp_path / "single")
    both = validate(run_ginv, checkpoint, tmp_path / "ddp", *DDP)
    for key in ("val/fid", "val/kid", "val/fid_orbit", "val/digit_confidence"):
        assert both[key] == pytest.approx(single[key], rel=1e-6), key
    # invariance errors are at float precision: equal up to batch composition
    assert both["val/d_invariance"] == pytest.approx(single["val/d_invariance"], abs=1e-6)
    assert both["val/samples_generated"] == single["val/samples_generated"] == 540


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.mark.slow
def test_two_nodes_started_with_torchrun_train_together(tmp_path):
    port = str(free_port())
    torchrun = Path(sys.executable).parent / "torchrun"
    ginv = Path(sys.executable).parent / "ginv"
    env = {**os.environ, "PYTHONPATH": str(REPO), "OMP_NUM_THREADS": "1"}
    command = [
        str(torchrun), "--nnodes=2", "--nproc-per-node=1", "--master-addr=127.0.0.1",
        f"--master-port={port}", str(ginv), "fit", "--config", CONFIG,
        "--trainer.num_nodes", "2", "--trainer.devices", "1", "--trainer.strategy", "ddp",
        "--trainer.accelerator", "cpu", "--trainer.max_steps", "8", "--trainer.logger", "false",
        "--metrics.enabled", "false", *QUIET, *probe(tmp_path / "probe"),
    ]  # fmt: skip
    nodes = [
        subprocess.Popen(
            [command[0], f"--node-rank={rank}", *command[1:]],
            cwd=tmp_path,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        for rank in (0, 1)
    ]
    outputs = [node.communicate(timeout=600)[0] for node in nodes]
    assert [node.returncode for node in nodes] == [0, 0], outputs[0][-3000:] + outputs[1][-3000:]
    ends = [load(tmp_path / "probe" / f"end_rank{r}.pt") for r in (0, 1)]
    assert [e["world_size"] for e in ends] == [2, 2]
    assert_identical_networks(*ends)
