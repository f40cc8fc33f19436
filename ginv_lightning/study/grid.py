"""A study as the grid engine runs it: one W1 record per run, the noise floor beside it."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, ClassVar

from ginv_lightning.study.config_file import StudyConfig
from ginv_lightning.study.run_settings import Cell


@dataclass(frozen=True)
class StudyGrid:
    """The runs of a study file, each shown with the noise floor beside its W1."""

    kind: ClassVar[str] = "study"
    records_folder: ClassVar[str] = "runs"

    config: StudyConfig

    @cached_property
    def floor(self) -> tuple[float, float]:
        """Mean and std of W1 between independent target samples (cached in ``out``, so
        asked for only once the folder is the study's)."""
        from ginv_lightning.study.noise_floor import noise_floor

        return noise_floor(self.config)

    @property
    def name(self) -> str:
        return self.config.name

    @property
    def out(self) -> Path:
        return self.config.out

    def cells(self) -> list[Cell]:
        return self.config.cells()

    def spec(self) -> dict[str, Any]:
        return self.config.settings()

    def record_name(self, cell: Cell) -> str:
        return cell.name

    def fingerprint(self, cell: Cell) -> str:
        return self.config.fingerprint()  # the grid may grow: the settings make a run

    def run_cell(self, cell: Cell, record: Path) -> dict[str, Any]:
        """Train and measure one run on one thread (a study's networks are tiny, and runs
        side by side share the cores)."""
        import torch

        from ginv_lightning.study.train_cell import evaluate_cell
        from ginv_lightning.symmetry import resolve_group

        config, evaluation = self.config, self.config.evaluation
        threads = torch.get_num_threads()
        torch.set_num_threads(1)
        try:
            outcome = evaluate_cell(
                cell, config.target_spec, config.training, config.networks, evaluation.samples,
                evaluation.heldout_seed, evaluation.trace, config.trainer,
            )  # fmt: skip
        finally:
            torch.set_num_threads(threads)
        return {
            "model": cell.model,
            "group": cell.group,
            "order": resolve_group(cell.group).order,
            "n": cell.n,
            "seed": cell.seed,
            "w1": outcome.w1,
            "trace": {str(k): v for k, v in outcome.trace.items()},
            "g_params": outcome.g_params,
            "d_params": outcome.d_params,
            "seconds": outcome.seconds,
        }

    def describe(self, cell: Cell, record: dict[str, Any]) -> str:
        return (
            f"{cell.model:<12} {cell.group:<4} n={cell.n:<5} seed={cell.seed}: "
            f"W1 {record['w1']:.4f} (floor {self.floor[0]:.4f})"
        )
