"""Run a comparison's cells one after another, keeping each finished cell's record.

Each record is a JSON file written atomically when its cell finishes, so an
interrupted comparison keeps every finished cell and never half of one; running
the same command again skips them. Cells run in this process, one at a time:
on a machine with few cores two torch fits side by side slow each other down
far more than twice, and the wall times would mean nothing.
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
    return comparison.out / "cells" / f"{_slug(cell.table)}--{cell.name}.json"


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


def run_comparison(comparison: Comparison, stream: TextIO | None = None) -> list[dict[str, Any]]:
    """Train every cell without a record, printing a line each (to stdout); return all records."""
    stream = stream or sys.stdout
    load_records(comparison)  # refuse a foreign folder before training anything
    (comparison.out / "cells").mkdir(parents=True, exist_ok=True)
    remove_orphans(comparison.out / "cells")
    cells = comparison.cells()
    todo = [cell for cell in cells if not record_path(comparison, cell).exists()]
    started = time.perf_counter()
    for index, cell in enumerate(todo, start=1):
        table = comparison.table(cell.table)
        record = train_cell(cell, table, comparison.metrics)
        record["fingerprint"] = comparison.fingerprint(cell)
        write_atomic(record_path(comparison, cell), json.dumps(record, indent=1))
        elapsed = time.perf_counter() - started
        done = len(cells) - len(todo) + index
        value = record.get(table.metric)
        shown = "-" if value is None else f"{value:.2f}"
        print(
            f"[{done}/{len(cells)}] {cell.table} | {cell.config} fraction {cell.fraction:g} "
            f"seed {cell.seed}: {table.metric} {shown} in "
            f"{record['seconds']:.0f} s | elapsed {elapsed / 60:.1f} min, "
            f"left ~{elapsed / index * (len(todo) - index) / 60:.1f} min",
            file=stream,
            flush=True,
        )
    return load_records(comparison)


def _slug(title: str) -> str:
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")
