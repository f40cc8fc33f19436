"""A grid's folder: who owns it, and one atomically written JSON record per finished cell.

A record is written when its cell finishes (a temporary file, then a rename),
so an interrupted grid keeps every finished cell and never half of one. The
folder is the only state cells share: cells running as jobs on different
nodes each write their own file.
"""

from __future__ import annotations

import json
from collections.abc import Hashable
from pathlib import Path
from typing import Any

from ginv_lightning.errors import ConfigError
from ginv_lightning.grid.protocol import Grid
from ginv_lightning.persistence.atomic_files import remove_orphans, write_atomic


class RecordFolder:
    """The records of one grid under ``out`` (an absolute path, so jobs find it from anywhere)."""

    def __init__(self, grid: Grid) -> None:
        self.grid = grid
        self.out = Path(grid.out).resolve()
        self.folder = self.out / grid.records_folder
        self.owner_path = self.out / f"{grid.kind}.json"

    def path(self, cell: Hashable) -> Path:
        return self.folder / f"{self.grid.record_name(cell)}.json"

    def check_owner(self) -> None:
        """Refuse a folder another grid wrote: its tables or summaries would be replaced.

        The owner record names the spec and keeps its settings. Another kind of
        grid, a spec of another name, or one with none of the recorded tables
        (two files of the same name) is refused; the same spec, edited, is not.
        """
        for kind in ("comparison", "study"):
            other = self.out / f"{kind}.json"
            if kind != self.grid.kind and other.is_file():
                raise ConfigError(
                    f"{self.out} holds a {kind}, not a {self.grid.kind}; give another --out "
                    "(or delete that folder to start over)"
                )
        if not self.owner_path.is_file():
            return
        owner = json.loads(self.owner_path.read_text())
        name = owner.get(self.grid.kind)
        recorded = set(_titles(owner.get("spec", {})))
        titles = set(_titles(self.grid.spec()))
        if name != self.grid.name:
            held = f"the {self.grid.kind} {name!r}, not {self.grid.name!r}"
        elif recorded and titles and not recorded & titles:
            held = f"another {self.grid.kind} named {name!r} (tables {sorted(recorded)})"
        else:
            return
        raise ConfigError(
            f"{self.out} holds {held}; give another --out (or delete that folder to start over)"
        )

    def claim(self) -> None:
        """Record this grid as the folder's owner and clear what a killed writer left."""
        self.folder.mkdir(parents=True, exist_ok=True)
        spec = self.grid.spec()
        before = json.loads(self.owner_path.read_text()) if self.owner_path.is_file() else {}
        titles = list(dict.fromkeys([*_titles(before.get("spec", {})), *_titles(spec)]))
        if titles:  # the titles seen add up: copies of one file, each with some tables, share it
            spec = {**spec, "titles": titles}
        owner = {self.grid.kind: self.grid.name, "spec": spec}
        write_atomic(self.owner_path, json.dumps(owner, indent=1))
        for folder in (self.out, self.folder):
            remove_orphans(folder)

    def finished(self) -> dict[Hashable, dict[str, Any]]:
        """This grid's cells that have a record; refuses records made with other settings."""
        records = {}
        for cell in self.grid.cells():
            path = self.path(cell)
            if not path.is_file():
                continue
            record = json.loads(path.read_text())
            if record.get("fingerprint") != self.grid.fingerprint(cell):
                raise ConfigError(
                    f"{self.out} holds cells made with other settings ({path.name}); "
                    "give another --out or delete that folder to start over"
                )
            records[cell] = record
        return records

    def write(self, cell: Hashable, record: dict[str, Any]) -> dict[str, Any]:
        """Keep a finished cell's record, with its fingerprint, in one step."""
        record = {**record, "fingerprint": self.grid.fingerprint(cell)}
        write_atomic(self.path(cell), json.dumps(record, indent=1))
        return record


def _titles(spec: dict[str, Any]) -> list[str]:
    """Every table title of the spec's file (older owner records: the tables run)."""
    return spec.get("titles") or [table["title"] for table in spec.get("tables", [])]
