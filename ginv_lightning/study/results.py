"""A study's ``results.csv``: one row per finished run, the noise floor beside each W1.

It is rebuilt from the records, atomically, after every run, so an interrupted
study leaves a valid table of whole rows.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from ginv_lightning.persistence.atomic_files import write_atomic

COLUMNS = [
    "model", "group", "order", "n", "seed", "w1", "floor", "floor_std",
    "g_params", "d_params", "seconds",
]  # fmt: skip


def write_results(
    out: Path, records: Iterable[dict[str, Any]], floor: tuple[float, float], trace: tuple
) -> Path:
    """Write ``out/results.csv`` from the finished runs' records."""
    trace_columns = [f"w1_at_{f:g}" for f in trace]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, COLUMNS + trace_columns, lineterminator="\n")
    writer.writeheader()
    for record in sorted(records, key=lambda r: (r["model"], r["group"], r["n"], r["seed"])):
        row = {key: record[key] for key in COLUMNS if key in record}
        row.update(floor=floor[0], floor_std=floor[1])
        for fraction, column in zip(trace, trace_columns, strict=True):
            row[column] = record["trace"].get(str(fraction), "")
        writer.writerow(row)
    path = out / "results.csv"
    write_atomic(path, buffer.getvalue())
    return path
