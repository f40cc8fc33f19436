"""A comparison file: which configs, on which fractions of the data, with which seeds and budget."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.quality import MetricsConfig
from ginv_lightning.shipped_configs import find_config

KEY = "compare"
DISTANCES = ("swd", "fid", "kid", "fid_intra")  # what a table's ratios may compare


@dataclass(frozen=True)
class Cell:
    """One fit: a config, trained on a fraction of its training data, from one seed."""

    table: str
    config: str
    fraction: float
    seed: int

    @property
    def name(self) -> str:
        return f"{self.config}-f{self.fraction:g}-s{self.seed}"


@dataclass(frozen=True)
class Table:
    """Configs compared on the same data: each trained ``steps`` optimiser steps per cell.

    ``baseline`` is the config every other one's ``metric`` (a logged ``val/``
    distance: ``swd``, ``fid``, ``fid_intra``) is divided by; ``batch_size`` (if
    given) replaces the configs' own, the same for all.
    """

    title: str
    configs: tuple[str, ...]
    baseline: str
    fractions: tuple[float, ...]
    steps: int
    batch_size: int | None = None
    metric: str = "swd"

    def cells(self, seeds: tuple[int, ...]) -> list[Cell]:
        return [
            Cell(self.title, config, fraction, seed)
            for fraction in self.fractions
            for config in self.configs
            for seed in seeds
        ]


@dataclass(frozen=True)
class Comparison:
    """Every table of one comparison file, and how each cell is measured."""

    tables: tuple[Table, ...]
    seeds: tuple[int, ...]
    out: Path
    metrics: dict[str, Any] = field(default_factory=dict)

    def cells(self) -> list[Cell]:
        return [cell for table in self.tables for cell in table.cells(self.seeds)]

    def table(self, title: str) -> Table:
        return next(table for table in self.tables if table.title == title)

    def fingerprint(self, cell: Cell) -> str:
        """Equal when a finished cell can be reused: the same fit, measured the same way.

        Only what the cell's fit and measurement depend on counts, so a table can
        grow (another config, fraction or seed) and keep its finished cells.
        """
        table = self.table(cell.table)
        settings = {
            "cell": asdict(cell),
            "steps": table.steps,
            "batch_size": table.batch_size,
            "metrics": self.metrics,
        }
        text = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_comparison(name_or_path: str | Path, out: str | None = None) -> Comparison:
    """Read and check a comparison file (a shipped name, e.g. ``compare_efficiency``, or a path)."""
    path = find_config(name_or_path)
    document = yaml.safe_load(path.read_text()) or {}
    if not isinstance(document, dict) or not isinstance(document.get(KEY), dict):
        raise ConfigError(
            f"{path} has no `{KEY}:` section; give a comparison file "
            "(e.g. compare_efficiency, `ginv configs list`)"
        )
    section = document[KEY]
    unknown = set(section) - {"tables", "seeds", "out", "metrics"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown {KEY}: keys {sorted(unknown)}; accepted: tables, seeds, out, metrics"
        )
    metrics = dict(section.get("metrics") or {})
    try:
        MetricsConfig(**metrics)
    except TypeError as exc:
        raise ConfigError(f"{path}: {KEY}.metrics: {exc}") from None
    tables = tuple(_table(path, entry) for entry in section.get("tables") or [])
    if not tables:
        raise ConfigError(f"{path}: {KEY}.tables is empty; list at least one table")
    seeds = tuple(int(s) for s in section.get("seeds", [0]))
    return Comparison(tables, seeds, Path(out or section.get("out", "runs/compare")), metrics)


def _table(path: Path, entry: dict[str, Any]) -> Table:
    try:
        table = Table(
            title=str(entry["title"]),
            configs=tuple(entry["configs"]),
            baseline=str(entry["baseline"]),
            fractions=tuple(float(f) for f in entry.get("fractions", [1.0])),
            steps=int(entry["steps"]),
            batch_size=entry.get("batch_size"),
            metric=str(entry.get("metric", "swd")),
        )
    except (KeyError, TypeError) as exc:
        raise ConfigError(
            f"{path}: a table needs title, configs, baseline and steps "
            f"(fractions, batch_size, metric optional); problem: {exc!r}"
        ) from None
    if table.metric not in DISTANCES:
        raise ConfigError(f"{path}: table {table.title!r}: metric {table.metric!r} is not one "
                          f"of {', '.join(DISTANCES)}")  # fmt: skip
    if table.baseline not in table.configs:
        raise ConfigError(f"{path}: table {table.title!r}: baseline {table.baseline!r} "
                          f"is not one of its configs {list(table.configs)}")  # fmt: skip
    if table.steps < 1 or not all(0 < f <= 1 for f in table.fractions):
        raise ConfigError(f"{path}: table {table.title!r}: steps must be >= 1 and "
                          "fractions in (0, 1]")  # fmt: skip
    for config in table.configs:
        find_config(config)  # a clear error now rather than after hours of fits
    return table
