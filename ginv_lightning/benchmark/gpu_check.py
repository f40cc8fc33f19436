"""Every CUDA check in one go (``make gpu-check``), for a session that has a GPU at hand.

The CPU machine the project is developed on cannot run them, so one command
does them all within a fixed budget (9 minutes) and writes what it found under
``docs/bench/gpu/``: ``ginv bench --accelerator gpu``, 200-step fits of the
RGB config in bf16-mixed and 16-mixed, a DDP fit on every visible GPU, and
the small comparison ``compare_smoke`` on the GPU (its records, table and
pictures under ``compare/``).
Each runs as its own ``ginv`` process with a timeout; pass/fail, wall time and
the last logged losses go to ``gpu_check.json`` and ``gpu_check.md``. Without
CUDA it says so and exits 0.

    python -m ginv_lightning.benchmark.gpu_check [--out docs/bench/gpu] [--budget 480]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

# As a module, not `-c`: Lightning starts DDP ranks 1..n-1 by re-running this process's command
# line, `python -m ginv_lightning.cli ...` (with `-c` it would run a file named "-c")
GINV = (sys.executable, "-m", "ginv_lightning.cli")
CONFIGS = Path(__file__).resolve().parents[2] / "configs"
LOSSES = ("train/d_loss", "train/d_penalty", "train/g_loss")


@dataclass
class Check:
    """One ``ginv`` command, its share of the budget, and what it gave."""

    name: str
    args: list[str]
    timeout_s: float
    status: str = "not run"  # passed, failed, timed out, skipped (budget spent)
    wall_s: float | None = None
    returncode: int | None = None
    losses: dict[str, float] = field(default_factory=dict)
    error: str = ""


def rgb_config() -> Path:
    """The 64 px RGB config when the tree has it, else the 32 px one."""
    wide = CONFIGS / "histology_d4_64.yaml"
    return wide if wide.exists() else CONFIGS / "histology_d4.yaml"


def plan(out: Path, config: Path) -> list[Check]:
    fit = ["fit", "--config", str(config), "--trainer.accelerator", "gpu",
           "--trainer.max_steps", "200", "--trainer.log_every_n_steps", "10",
           "--trainer.enable_progress_bar", "false", "--metrics.enabled", "false"]  # fmt: skip
    one = ["--trainer.devices", "1", "--trainer.precision"]
    compare = ["compare", "--config", "compare_smoke", "--trainer.accelerator", "gpu"]
    bench = ["bench", "--accelerator", "gpu", "--out", str(out), "--rounds", "3", "--skip-fit"]
    return [
        Check("bench", bench, 150),
        Check("fit bf16-mixed", [*fit, *one, "bf16-mixed"], 90),
        Check("fit 16-mixed", [*fit, *one, "16-mixed"], 90),
        Check("fit ddp", [*fit, "--trainer.devices", "-1", "--trainer.strategy", "ddp"], 130),
        Check("compare", [*compare, "--out", str(out / "compare")], 90),
    ]


def execute(check: Check, timeout_s: float, cwd: Path) -> None:
    """Run ``check`` in ``cwd`` (its own folder for ``runs/``), filling in what happened."""
    env = {**os.environ, "WANDB_MODE": "offline"}
    started = time.perf_counter()
    try:
        done = subprocess.run([*GINV, *check.args], cwd=cwd, env=env, timeout=timeout_s,
                              capture_output=True, text=True)  # fmt: skip
    except subprocess.TimeoutExpired:
        check.status, check.error = "timed out", f"killed after {timeout_s:.0f} s"
    else:
        check.returncode = done.returncode
        check.status = "passed" if done.returncode == 0 else "failed"
        if done.returncode:
            check.error = (done.stderr.strip().splitlines() or [""])[-1][-500:]
    check.wall_s = round(time.perf_counter() - started, 1)
    check.losses = last_losses(cwd)


def last_losses(folder: Path) -> dict[str, float]:
    """The last value of each training loss in the ``metrics.csv`` under ``folder``."""
    last: dict[str, float] = {}
    for path in sorted(folder.glob("runs/*/version_*/metrics.csv")):
        with path.open() as handle:
            for row in csv.DictReader(handle):
                last.update({k: float(row[k]) for k in LOSSES if row.get(k)})
    return last


def summary(checks: list[Check], config: Path) -> str:
    lines = [f"# GPU check\n\nFits of `{config.name}`, 200 optimiser steps each.\n",
             "| check | status | wall s | final losses |", "|---|---|---|---|"]  # fmt: skip
    for c in checks:
        losses = ", ".join(f"{k.split('/')[1]} {v:.4g}" for k, v in c.losses.items())
        wall = "" if c.wall_s is None else f"{c.wall_s:.1f}"
        note = f" ({c.error})" if c.error else ""
        lines.append(f"| {c.name} | {c.status}{note} | {wall} | {losses} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("docs/bench/gpu"))
    parser.add_argument("--budget", type=float, default=540.0, help="seconds for all checks")
    args = parser.parse_args(argv)
    import torch

    if not torch.cuda.is_available():
        print("no CUDA device: nothing to check")
        return 0
    out, config = args.out.resolve(), rgb_config()
    print(f"gpu-check: {torch.cuda.device_count()} CUDA device(s); fits use {config.name}")
    deadline = time.perf_counter() + args.budget
    checks = plan(out, config)
    for check in checks:
        left = deadline - time.perf_counter()
        if left < 10:
            check.status = "skipped (budget spent)"
            continue
        with tempfile.TemporaryDirectory(prefix="gpu-check-") as folder:
            execute(check, min(check.timeout_s, left), Path(folder))
        print(f"gpu-check: {check.name}: {check.status} in {check.wall_s} s {check.losses}")
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "config": config.name,
        "devices": [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())],
        "torch": torch.__version__,
        "checks": [asdict(c) for c in checks],
    }
    (out / "gpu_check.json").write_text(json.dumps(record, indent=2) + "\n")
    (out / "gpu_check.md").write_text(summary(checks, config))
    print(f"wrote {out / 'gpu_check.json'} and {out / 'gpu_check.md'}")
    return 0 if all(c.status == "passed" for c in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
