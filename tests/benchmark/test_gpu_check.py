"""``make gpu-check``: says so and succeeds without CUDA (devices hidden for real).

The CUDA checks themselves only run where a GPU is: this project's machines
have none, so they have not run yet.
"""

from __future__ import annotations

import subprocess
import sys

from ginv_lightning.benchmark import gpu_check
from tests.conftest import REPO


def test_module_runs_as_a_script_without_cuda(tmp_path):
    env = {"CUDA_VISIBLE_DEVICES": "", "PATH": "/usr/bin:/bin"}
    done = subprocess.run([sys.executable, "-m", "ginv_lightning.benchmark.gpu_check", "--out",
                           str(tmp_path / "gpu")], cwd=REPO, env=env, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert "no CUDA device: nothing to check" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_final_losses_are_read_from_the_runs_metrics(tmp_path):
    run = tmp_path / "runs/histology_d4/version_0"
    run.mkdir(parents=True)
    (run / "metrics.csv").write_text("step,train/d_loss,train/g_loss\n9,1.5,0.5\n19,1.25,\n")
    assert gpu_check.last_losses(tmp_path) == {"train/d_loss": 1.25, "train/g_loss": 0.5}
