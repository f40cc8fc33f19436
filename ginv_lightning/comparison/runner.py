"""Run a comparison's cells, keeping each finished cell's record.

Each record is a JSON file written atomically when its cell finishes, so an
interrupted comparison keeps every finished cell and never half of one; running
the same command again skips them. The records folder is the only state cells
share, so the same cells can run here one after another (:func:`run_comparison`)
or as cluster jobs (``comparison.launchers``).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, TextIO

from ginv_lightning.comparison.spec import Cell, Comparison
from ginv_lightning.comparison.train_cell import train_cell
from ginv_lightning.errors import ConfigError
from ginv_lightning.persistence.atomic_files import remove_orphans, write_atomic


def record_path(comparison: Comparison, cell: Cell) -> Path:
    return comparison.out / "cells" / f"{slug(cell.table)}--{cell.name}.json"


def load_records(comparison: Comparison) -> list[dict[str, Any]]:
    """The finished cells of this comparison; refuses cells made with other settings."""
    folder = comparison.out / "cells"
    cells = set(comparison.cells())
    records = []
    for path in sorted(folder.glob("*.json")) if folder.is_dir() else []:
        record = json.loads(path.read_text())
        cell = Cell(record["table"], record["config"], record["fraction"], record["seed"])
        if cell not in cells:
            continue  # e.g. another table of the same file, run with --tables
        if record.get("fingerprint") != comparison.fingerprint(cell):
            raise ConfigError(
                f"{comparison.out} holds cells made with other settings ({path.name}); "
                "give another --out or delete that folder to start over"
            )
        records.append(record)
    return records


OWNER = "comparison.json"  # which comparison file's folder ``out`` is


def check_owner(comparison: Comparison) -> None:
    """Refuse a folder that another comparison file wrote (its tables would be replaced)."""
    path = comparison.out / OWNER
    if not path.is_file():
        return
    owner = json.loads(path.read_text()).get("comparison")
    if owner != comparison.name:
        raise ConfigError(
            f"{comparison.out} holds the comparison {owner!r}, not {comparison.name!r}; "
            "give another --out (or delete that folder to start over)"
        )


def prepare(comparison: Comparison) -> list[Cell]:
    """Check and claim the folder; the cells that have no record yet, in order."""
    check_owner(comparison)
    load_records(comparison)  # refuse a foreign folder before training anything
    (comparison.out / "cells").mkdir(parents=True, exist_ok=True)
    if not (comparison.out / OWNER).is_file():
        write_atomic(comparison.out / OWNER, json.dumps({"comparison": comparison.name}))
    remove_orphans(comparison.out / "cells")
    return [cell for cell in comparison.cells() if not record_path(comparison, cell).exists()]


def finish_cell(comparison: Comparison, cell: Cell) -> dict[str, Any]:
    """Train and measure one cell and write its record (atomically): what every launcher runs."""
    table = comparison.table(cell.table)
    path = record_path(comparison, cell)
    record = train_cell(cell, table, comparison.metrics, comparison.trainer, path)
    record["fingerprint"] = comparison.fingerprint(cell)
    write_atomic(path, json.dumps(record, indent=1))
    return record


class Progress:
    """One line per finished cell: its headline distance, time, and the time left."""

    def __init__(self, comparison: Comparison, todo: int, stream: TextIO | None = None) -> None:
        self.comparison = comparison
        self.total = len(comparison.cells())
        self.todo = todo
        self.finished = 0
        self.stream = stream or sys.stdout
        self.started = time.perf_counter()

    def __call__(self, cell: Cell, record: dict[str, Any]) -> None:
        self.finished += 1
        elapsed = time.perf_counter() - self.started
        metric = self.comparison.table(cell.table).metric
        value = record.get(metric)
        shown = "-" if value is None else f"{value:.2f}"
        done = self.total - self.todo + self.finished
        left = elapsed / self.finished * (self.todo - self.finished) / 60
        print(
            f"[{done}/{self.total}] {cell.table} | {cell.config} fraction {cell.fraction:g} "
            f"seed {cell.seed}: {metric} {shown} in {record['seconds']:.0f} s | "
            f"elapsed {elapsed / 60:.1f} min, left ~{left:.1f} min",
            file=self.stream,
            flush=True,
        )


def run_comparison(comparison: Comparison, stream: TextIO | None = None) -> list[dict[str, Any]]:
    """Train every cell without a record in this process, one after another; return all records.

    Cells run one at a time: on a machine with few cores two torch fits side by
    side slow each other down far more than twice, and the wall times would
    mean nothing. (``comparison.launchers`` runs them as jobs instead.)
    """
    todo = prepare(comparison)
    progress = Progress(comparison, len(todo), stream)
    for cell in todo:
        progress(cell, finish_cell(comparison, cell))
    return load_records(comparison)


def slug(title: str) -> str:
    """A table title as a file name: lower case, anything but letters and digits as ``_``."""
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")
