"""Run a grid: claim its folder, skip finished cells, run the rest, keep every record."""

from __future__ import annotations

import sys
from collections.abc import Callable, Hashable
from typing import Any, TextIO

from ginv_lightning.grid.launchers import Launcher
from ginv_lightning.grid.progress import Progress
from ginv_lightning.grid.protocol import Grid
from ginv_lightning.grid.records import RecordFolder

Records = dict[Hashable, dict[str, Any]]


def run_grid(
    grid: Grid,
    launcher: Launcher | None = None,
    stream: TextIO | None = None,
    on_record: Callable[[Records], None] | None = None,
    on_start: Callable[[], None] | None = None,
) -> Records:
    """Run every cell without a record; return all finished records, in the grid's order.

    A foreign folder, a bad launcher or records made with other settings are
    refused before anything is created or trained. ``on_record`` sees the
    finished records after each cell (e.g. to rewrite a table that is never stale);
    ``on_start`` runs once the folder is the grid's, before any cell.
    """
    launcher = launcher or Launcher()
    stream = stream or sys.stdout
    records = RecordFolder(grid)
    records.check_owner()
    finished = records.finished()
    launcher.check()
    records.claim()
    if on_start:
        on_start()
    cells = grid.cells()
    todo = [cell for cell in cells if cell not in finished]
    print(
        f"ginv {grid.kind} {grid.name}: {len(cells)} cells, {len(finished)} already finished "
        f"in {grid.out}; {len(todo)} to run {launcher.where()}",
        file=stream,
        flush=True,
    )
    progress = Progress(grid, len(cells), len(todo), stream)
    for cell, record in launcher.run(records, todo):
        finished[cell] = record
        progress(cell, record)
        if on_record:
            on_record(_ordered(cells, finished))
    return _ordered(cells, finished)


def _ordered(cells: list[Hashable], finished: Records) -> Records:
    return {cell: finished[cell] for cell in cells if cell in finished}
