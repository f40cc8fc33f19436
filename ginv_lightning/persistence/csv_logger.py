"""A CSV logger that resumes: it appends to an existing ``metrics.csv`` instead of deleting it.

Lightning's CSV writer deletes ``metrics.csv`` when its directory exists. After
a crash, ``ginv fit --ckpt_path last`` logs into the crashed run's directory;
here the rows logged after the checkpoint are dropped (the resumed run logs
those steps again) and the rest is kept, so one file holds the whole run.
"""

from __future__ import annotations

import csv
from functools import partial
from typing import Any

from lightning.pytorch.loggers.csv_logs import ExperimentWriter
from typing_extensions import override

from ginv_lightning.lightning_private import KeepingExperimentWriter, WriterChoosingCSVLogger
from ginv_lightning.persistence.atomic_files import atomic_writer


def _kept_rows(path: str, resume_step: int | None) -> list[str]:
    """Drop the rows logged at or after ``resume_step`` (if any) from ``path``; its columns."""
    with open(path, newline="") as handle:
        reader = csv.DictReader(handle)
        header = list(reader.fieldnames or [])
        rows = list(reader)
    if resume_step is not None:
        kept = [row for row in rows if _step(row) < resume_step]
        with atomic_writer(path, "w", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=header)
            writer.writeheader()
            writer.writerows(kept)
    return header


def _step(row: dict[str, Any]) -> float:
    try:
        return float(row.get("step") or 0)
    except ValueError:
        return 0.0


class ResumableCSVLogger(WriterChoosingCSVLogger):
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

    @override
    def make_writer(self, log_dir: str) -> ExperimentWriter:
        return KeepingExperimentWriter(log_dir, partial(_kept_rows, resume_step=self._resume_step))
