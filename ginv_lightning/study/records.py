"""Where a study keeps its results: one JSON record per finished run, and the CSV of them all.

A run's record is written atomically (a temporary file, then ``os.replace``) the
moment the run finishes, so an interrupted study keeps every finished run and
never a half-written one; rerunning skips them. ``results.csv`` is rebuilt from
the records, atomically too, after every run.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

from ginv_lightning.errors import ConfigError
from ginv_lightning.persistence.atomic_files import write_atomic
from ginv_lightning.study.run_settings import Cell, Outcome

COLUMNS = [
    "model", "group", "order", "n", "seed", "w1", "floor", "floor_std",
    "g_params", "d_params", "seconds",
]  # fmt: skip


class Records:
    """The records of one output directory, all made with one configuration fingerprint."""

    def __init__(self, out: Path, fingerprint: str) -> None:
        self.out = out
        self.fingerprint = fingerprint
        self.directory = out / "runs"

    def path(self, cell: Cell) -> Path:
        return self.directory / f"{cell.name}.json"

    def load(self) -> dict[Cell, dict[str, Any]]:
        """Every finished run; refuses records made with other settings."""
        records = {}
        for path in sorted(self.directory.glob("*.json")) if self.directory.is_dir() else []:
            record = json.loads(path.read_text())
            if record.get("fingerprint") != self.fingerprint:
                raise ConfigError(
                    f"{self.out} holds runs made with other settings ({path.name}); "
                    "give another output directory (--out) or delete it to start over"
                )
            cell = Cell(record["model"], record["group"], record["n"], record["seed"])
            records[cell] = record
        return records

    def save(self, cell: Cell, order: int, outcome: Outcome) -> dict[str, Any]:
        record = {
            "model": cell.model,
            "group": cell.group,
            "order": order,
            "n": cell.n,
            "seed": cell.seed,
            "w1": outcome.w1,
            "trace": {str(k): v for k, v in outcome.trace.items()},
            "g_params": outcome.g_params,
            "d_params": outcome.d_params,
            "seconds": outcome.seconds,
            "fingerprint": self.fingerprint,
        }
        write_atomic(self.path(cell), json.dumps(record, indent=1))
        return record

    def write_csv(
        self, records: dict[Cell, dict[str, Any]], floor: tuple[float, float], trace: tuple
    ) -> Path:
        """``results.csv``: one row per finished run, the noise floor beside each W1."""
        trace_columns = [f"w1_at_{f:g}" for f in trace]
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, COLUMNS + trace_columns, lineterminator="\n")
        writer.writeheader()
        for cell in sorted(records, key=lambda c: (c.model, c.group, c.n, c.seed)):
            record = records[cell]
            row = {key: record[key] for key in COLUMNS if key in record}
            row.update(floor=floor[0], floor_std=floor[1])
            for fraction, column in zip(trace, trace_columns, strict=True):
                row[column] = record["trace"].get(str(fraction), "")
            writer.writerow(row)
        path = self.out / "results.csv"
        write_atomic(path, buffer.getvalue())
        return path
