"""Runs of ``ginv fit`` in one process (the Python API, a notebook) never share a W&B run."""

from __future__ import annotations

import random

import numpy
import torch
import wandb

from tests.conftest import REPO

TINY = [
    "--trainer.max_steps", "2", "--trainer.enable_progress_bar", "false",
    "--metrics.enabled", "false", "--samples.every_n_steps", "0",
    "--data.init_args.num_train", "64",
]  # fmt: skip
CONFIG = str(REPO / "configs" / "rotdigits_c4.yaml")


def test_each_fit_in_a_process_logs_to_its_own_wandb_run_in_its_own_folder(
    ginv, tmp_path, monkeypatch
):
    # wandb's service process stays up between runs, in the first run's directory
    for folder in ("first", "second", "second"):
        (tmp_path / folder).mkdir(exist_ok=True)
        monkeypatch.chdir(tmp_path / folder)
        result = ginv("fit", "--config", CONFIG, *TINY)
        assert result.returncode == 0, result.stderr[-3000:]
        assert wandb.run is None  # finished, not left open for the next logger to reuse
    runs = sorted(tmp_path.glob("*/runs/rotdigits_c4/version_*"))
    assert [str(r.relative_to(tmp_path)).split("/")[::3] for r in runs] == [
        ["first", "version_0"], ["second", "version_0"], ["second", "version_1"]]  # fmt: skip
    run_files = [r.glob("wandb/offline-run-*/run-*.wandb") for r in runs]
    names = [[f.name for f in files] for files in run_files]
    assert [len(n) for n in names] == [1, 1, 1] and len({n[0] for n in names}) == 3


def test_a_wandb_run_the_user_opened_stays_open(ginv, tmp_path):
    users = wandb.init(mode="offline", dir=str(tmp_path), project="mine")
    try:
        result = ginv("fit", "--config", CONFIG, *TINY)
        assert result.returncode == 0, result.stderr[-3000:]
        assert wandb.run is users  # Lightning logged into it; ginv did not close it
    finally:
        users.finish()


def test_an_in_process_run_leaves_the_random_states_it_seeds_as_it_found_them(ginv):
    """The harness keeps what a process of its own would keep to itself: ``seed_everything``
    reseeds Python's, numpy's and torch's generators, ``deterministic`` switches torch's
    deterministic algorithms on, and tests that follow must not depend on which fit ran
    before them."""
    _seed_all(7)
    expected = _draw_all()
    _seed_all(7)
    threads = torch.get_num_threads()
    result = ginv("fit", "--config", CONFIG, *TINY, "--trainer.deterministic", "true")
    assert result.returncode == 0, result.stderr[-3000:]
    assert _draw_all() == expected
    assert torch.get_num_threads() == threads
    assert not torch.are_deterministic_algorithms_enabled()  # Lightning switched it on


def _seed_all(seed: int) -> None:
    random.seed(seed)
    numpy.random.seed(seed)
    torch.manual_seed(seed)


def _draw_all() -> tuple[float, float, float]:
    return random.random(), float(numpy.random.rand()), torch.rand(1).item()
