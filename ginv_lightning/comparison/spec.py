"""A comparison file: which configs, on which fractions of the data, with which seeds and budget."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import yaml

from ginv_lightning.errors import ConfigError, config_error
from ginv_lightning.grid.trainer import FLOAT32, CellTrainer, cell_trainer
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.registry import headline_keys
from ginv_lightning.shipped_configs import config_name, find_config

KEY = "compare"


@dataclass(frozen=True)
class Cell:
    """One fit: a config, trained on a fraction of its training data, from one seed."""

    table: str
    config: str
    fraction: float
    seed: int

    @property
    def name(self) -> str:
        """The cell's name in file names: the config's name, however it was given, then
        fraction and seed (``my_configs/tiles_d4.yaml`` and ``tiles_d4`` name the same)."""
        return f"{config_name(self.config)}-f{self.fraction:g}-s{self.seed}"


@dataclass(frozen=True)
class Table:
    """Configs compared on the same data: each trained ``steps`` optimiser steps per cell.

    ``baseline`` is the config every other one's ``metric`` (a logged ``val/``
    distance: ``swd``, ``fid``, ``fid_intra``) is divided by; ``batch_size`` (if
    given) replaces the configs' own, the same for all. With ``curve_every``,
    each cell is also measured on the validation split every that many
    optimiser steps (its learning curve), before the final test measurement.
    """

    title: str
    configs: tuple[str, ...]
    baseline: str
    fractions: tuple[float, ...]
    steps: int
    batch_size: int | None = None
    metric: str = "swd"
    curve_every: int | None = None

    def cells(self, seeds: tuple[int, ...]) -> list[Cell]:
        return [
            Cell(self.title, config, fraction, seed)
            for fraction in self.fractions
            for config in self.configs
            for seed in seeds
        ]


@dataclass(frozen=True)
class Comparison:
    """Every table of one comparison file, and how each cell is measured: a grid of fits."""

    kind: ClassVar[str] = "comparison"
    records_folder: ClassVar[str] = "cells"

    tables: tuple[Table, ...]
    seeds: tuple[int, ...]
    out: Path
    metrics: dict[str, Any] = field(default_factory=dict)
    trainer: CellTrainer = field(default_factory=CellTrainer)
    name: str = "comparison"  # the comparison file's name: whose folder ``out`` is
    slurm: dict[str, Any] = field(default_factory=dict)  # the file's SLURM job settings
    titles: tuple[str, ...] = ()  # every table of the file, also when --tables runs some

    def cells(self) -> list[Cell]:
        return [cell for table in self.tables for cell in table.cells(self.seeds)]

    def table(self, title: str) -> Table:
        return next(table for table in self.tables if table.title == title)

    def spec(self) -> dict[str, Any]:
        return {
            "tables": [asdict(table) for table in self.tables],
            "titles": list(self.titles or (table.title for table in self.tables)),
            "seeds": list(self.seeds),
        }

    def record_name(self, cell: Cell) -> str:
        return f"{slug(cell.table)}--{cell.name}"

    def run_cell(self, cell: Cell, record: Path) -> dict[str, Any]:
        from ginv_lightning.comparison.train_cell import train_cell

        return train_cell(cell, self.table(cell.table), self.metrics, self.trainer, record)

    def describe(self, cell: Cell, record: dict[str, Any]) -> str:
        metric = self.table(cell.table).metric
        value = record.get(metric)
        shown = "-" if value is None else f"{value:.2f}"
        return (
            f"{cell.table} | {cell.config} fraction {cell.fraction:g} seed {cell.seed}: "
            f"{metric} {shown}"
        )

    def fingerprint(self, cell: Cell) -> str:
        """Equal when a finished cell can be reused: the same fit, measured the same way.

        Only what the cell's fit and measurement depend on counts, so a table can
        grow (another config, fraction or seed) and keep its finished cells.
        """
        table = self.table(cell.table)
        settings: dict[str, Any] = {
            "cell": asdict(cell),
            "steps": table.steps,
            "batch_size": table.batch_size,
            "metrics": self.metrics,
        }
        if table.curve_every is not None:  # older records: no curve
            settings["curve_every"] = table.curve_every
        if self.trainer.precision not in FLOAT32:  # older records: float32, unsaid
            settings["precision"] = self.trainer.precision
        text = json.dumps(settings, sort_keys=True)
        return hashlib.sha256(text.encode()).hexdigest()[:16]


def load_comparison(
    name_or_path: str | Path, out: str | None = None, trainer: dict[str, Any] | None = None
) -> Comparison:
    """Read and check a comparison file (a shipped name, e.g. ``compare_efficiency``, or a path)."""
    path = find_config(name_or_path)
    document = yaml.safe_load(path.read_text()) or {}
    if not isinstance(document, dict) or not isinstance(document.get(KEY), dict):
        raise ConfigError(
            f"{path} has no `{KEY}:` section; give a comparison file "
            "(e.g. compare_efficiency, `ginv configs list`)"
        )
    section = document[KEY]
    unknown = set(section) - {"tables", "seeds", "out", "metrics", "trainer", "slurm"}
    if unknown:
        raise ConfigError(
            f"{path}: unknown {KEY}: keys {sorted(unknown)}; "
            "accepted: tables, seeds, out, metrics, trainer, slurm"
        )
    metrics = dict(section.get("metrics") or {})
    with config_error(f"{path}: {KEY}.metrics", (TypeError,)):
        MetricsConfig(**metrics)
    tables = tuple(_table(path, entry) for entry in section.get("tables") or [])
    if not tables:
        raise ConfigError(f"{path}: {KEY}.tables is empty; list at least one table")
    seeds = tuple(int(s) for s in section.get("seeds", [0]))
    for table in tables:
        names = [config_name(config) for config in table.configs]
        twice = sorted({name for name in names if names.count(name) > 1})
        if twice:
            raise ConfigError(f"{path}: table {table.title!r}: two configs are named "
                              f"{twice[0]!r}; rename one (records are named by it)")  # fmt: skip
    machine = cell_trainer(f"{path}: {KEY}.trainer", section.get("trainer") or {}, trainer or {})
    where = Path(out or section.get("out", "runs/compare"))
    slurm = dict(section.get("slurm") or {})
    name = config_name(str(path))
    titles = tuple(table.title for table in tables)
    return Comparison(tables, seeds, where, metrics, machine, name, slurm, titles)


def slug(title: str) -> str:
    """A table title as a file name: lower case, anything but letters and digits as ``_``."""
    return "".join(c if c.isalnum() else "_" for c in title.lower()).strip("_")


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
            curve_every=None if entry.get("curve_every") is None else int(entry["curve_every"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ConfigError(
            f"{path}: a table needs title, configs, baseline and steps "
            f"(fractions, batch_size, metric, curve_every optional); problem: {exc!r}"
        ) from None
    distances = headline_keys()  # what a table's ratios may compare: registered distances
    if table.metric not in distances:
        raise ConfigError(f"{path}: table {table.title!r}: metric {table.metric!r} is not one "
                          f"of {', '.join(distances)}")  # fmt: skip
    if table.baseline not in table.configs:
        raise ConfigError(f"{path}: table {table.title!r}: baseline {table.baseline!r} "
                          f"is not one of its configs {list(table.configs)}")  # fmt: skip
    if table.steps < 1 or not all(0 < f <= 1 for f in table.fractions):
        raise ConfigError(f"{path}: table {table.title!r}: steps must be >= 1 and "
                          "fractions in (0, 1]")  # fmt: skip
    if table.curve_every is not None and not 1 <= table.curve_every <= table.steps:
        raise ConfigError(f"{path}: table {table.title!r}: curve_every {table.curve_every} "
                          f"must be between 1 and its steps ({table.steps})")  # fmt: skip
    for config in table.configs:
        find_config(config)  # a clear error now rather than after hours of fits
    return table
