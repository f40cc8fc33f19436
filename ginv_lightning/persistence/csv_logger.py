"""A CSV logger that resumes: it appends to an existing ``metrics.csv`` instead of deleting it.

Lightning's CSV writer deletes ``metrics.csv`` when its directory exists. After
a crash, ``ginv fit --ckpt_path last`` logs into the crashed run's directory;
here the rows logged after the checkpoint are dropped (the resumed run logs
those steps again) and the rest is kept, so one file holds the whole run.
"""

from __future__ import annotations

import csv
import os
from typing import Any

from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter

from ginv_lightning.persistence.atomic_files import atomic_writer


class _AppendingWriter(ExperimentWriter):
    def __init__(self, log_dir: str, resume_step: int | None) -> None:
        self._resume_step = resume_step
        super().__init__(log_dir=log_dir)

    def _check_log_dir_exists(self) -> None:
        if not os.path.isfile(self.metrics_file_path):
            return
        with open(self.metrics_file_path, newline="") as handle:
            reader = csv.DictReader(handle)
            header = list(reader.fieldnames or [])
            rows = list(reader)
        if self._resume_step is not None:
            kept = [row for row in rows if _step(row) < self._resume_step]
            with atomic_writer(self.metrics_file_path, "w", newline="") as handle:
                writer = csv.DictWriter(handle, fieldnames=header)
                writer.writeheader()
                writer.writerows(kept)
        self.metrics_keys = header


def _step(row: dict[str, Any]) -> float:
    try:
        return float(row.get("step") or 0)
    except ValueError:
        return 0.0


class ResumableCSVLogger(CSVLogger):
    """``CSVLogger`` that never deletes earlier rows of its ``metrics.csv``.

    Args:
        resume_step: when resuming from a checkpoint taken at this logging step
            (batches that stepped), rows logged at it or after it are dropped: the
            resumed run logs from that step on again.
        **kwargs: as for Lightning's ``CSVLogger``.
    """

    def __init__(self, *args: Any, resume_step: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._resume_step = resume_step

    @property
    def experiment(self) -> ExperimentWriter:
        if self._experiment is None and self._is_rank_zero():
            self._fs.makedirs(self.root_dir, exist_ok=True)
            self._experiment = _AppendingWriter(self.log_dir, self._resume_step)
        return super().experiment

    @staticmethod
    def _is_rank_zero() -> bool:
        from lightning.fabric.utilities.rank_zero import rank_zero_only

        return getattr(rank_zero_only, "rank", 0) == 0
