"""A full disk is one line naming the folder and its free space, and loses nothing.

The run folder is a real 2 MB tmpfs, mounted in a user and mount namespace of
its own (``unshare``), so a fit fills it after its first checkpoints. Before the
fix this ended in a 64-line chained traceback whose last line was torch's
``enforce fail at inline_container.cc``.
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from tests.conftest import REPO

FIT = ("fit --config rotdigits_c4 --trainer.max_steps 400 --trainer.enable_progress_bar false "
       "--metrics.enabled false --samples.every_n_steps 1000 "
       "--checkpoint.every_n_train_steps 20")  # fmt: skip


def _namespaces_work(folder: Path) -> bool:
    probe = subprocess.run(
        ["unshare", "-rm", "sh", "-c", f"mount -t tmpfs -o size=64k tmpfs {folder}"],
        capture_output=True,
    )
    return probe.returncode == 0


@pytest.mark.slow
def test_a_fit_that_fills_the_disk_ends_in_one_line_and_keeps_its_last_checkpoint(tmp_path):
    runs = tmp_path / "runs"
    runs.mkdir()
    if shutil.which("unshare") is None or not _namespaces_work(runs):
        pytest.skip("needs unshare(1) with user and mount namespaces to mount a small tmpfs")
    ginv = shlex.quote(str(Path(sys.executable).parent / "ginv"))
    script = (
        f"mount -t tmpfs -o size=2000k tmpfs runs && {ginv} {FIT}; "
        "code=$?; ls -R runs > listing.txt; "
        "cp runs/rotdigits_c4/version_0/checkpoints/last.ckpt kept.ckpt; exit $code"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "WANDB_MODE": "offline"}
    result = subprocess.run(["unshare", "-rm", "sh", "-c", script], cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=600)  # fmt: skip
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr
    assert lines[-1].startswith("ginv: error: no space left on the device of "), lines[-1]
    assert "MiB free" in lines[-1] and "the files written before are kept" in lines[-1]
    assert ".tmp" not in (tmp_path / "listing.txt").read_text()  # no half-written temporary
    kept = torch.load(tmp_path / "kept.ckpt", weights_only=True)  # the last good one, whole
    assert kept["global_step"] >= 20
