"""What the grid engine needs of a grid: its cells, their fingerprints, and how to run one."""

from __future__ import annotations

from collections.abc import Hashable
from pathlib import Path
from typing import Any, Protocol


class Grid(Protocol):
    """A comparison or a study, as the engine sees it.

    A grid must pickle (worker processes and submitit jobs receive it), so it
    holds settings, not networks or data.
    """

    kind: str  # "comparison" or "study": names the folder's owner record
    name: str  # the spec file's name: whose folder ``out`` is
    out: Path
    records_folder: str  # the records' folder under ``out``

    def cells(self) -> list[Hashable]:
        """Every cell, in the order they run."""
        ...

    def spec(self) -> dict[str, Any]:
        """The grid's settings as JSON, recorded in the folder it owns."""
        ...

    def record_name(self, cell: Any) -> str:
        """The record's file name without ``.json``; never depends on how a config was named."""
        ...

    def fingerprint(self, cell: Any) -> str:
        """Equal when a finished record can be reused: the same fit, measured the same way."""
        ...

    def run_cell(self, cell: Any, record: Path) -> dict[str, Any]:
        """Fit and measure one cell; what it keeps besides the record goes beside ``record``.

        The record returned must hold ``seconds``, the fit's wall time.
        """
        ...

    def describe(self, cell: Any, record: dict[str, Any]) -> str:
        """A finished cell in one progress line: which it is and what it measured."""
        ...
