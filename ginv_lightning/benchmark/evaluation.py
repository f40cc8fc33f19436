"""The wall-time share of evaluation in a real default ``ginv fit`` run."""

from __future__ import annotations

import csv
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FitCost:
    wall_seconds: float
    evaluation_seconds: float
    evaluations: int

    @property
    def evaluation_share(self) -> float:
        return self.evaluation_seconds / self.wall_seconds


def default_fit_cost(config: Path) -> FitCost:
    """Run ``ginv fit --config <config>`` in a fresh process; time it and its evaluations."""
    ginv = Path(sys.executable).parent / "ginv"
    with tempfile.TemporaryDirectory() as workdir:
        start = time.perf_counter()
        subprocess.run(
            [str(ginv), "fit", "--config", str(config),
             "--trainer.enable_progress_bar", "false"],
            cwd=workdir, check=True, capture_output=True, text=True,
        )  # fmt: skip
        wall = time.perf_counter() - start
        with open(next(Path(workdir).rglob("metrics.csv"))) as handle:
            spent = [float(r["val/eval_seconds"]) for r in csv.DictReader(handle)
                     if r.get("val/eval_seconds")]  # fmt: skip
    return FitCost(wall, sum(spent), len(spent))
