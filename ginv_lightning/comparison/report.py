"""The comparison's tables in Markdown and its records as one CSV."""

from __future__ import annotations

import csv
import io
from statistics import mean
from typing import Any

from ginv_lightning.comparison.curves import curves_markdown
from ginv_lightning.comparison.spec import Comparison, Table
from ginv_lightning.metrics.registry import recorded_keys

CELL_COLUMNS = [
    "table", "config", "fraction", "seed", "steps", "train_images", "g_params", "d_params",
    "seconds", "swd", "fid", "kid", "fid_intra", "label_accuracy", "fid_orbit", "d_invariance",
]  # fmt: skip
QUALITY = {"swd": "SWD", "fid": "FID", "fid_intra": "intra-class FID",
           "label_accuracy": "label accuracy"}  # fmt: skip


def records_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    columns = CELL_COLUMNS + [k for k in recorded_keys() if k not in CELL_COLUMNS]  # plugins'
    writer = csv.DictWriter(buffer, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    order = sorted(records, key=lambda r: (r["table"], r["config"], -r["fraction"], r["seed"]))
    for record in order:
        writer.writerow(record)
    return buffer.getvalue()


def comparison_markdown(comparison: Comparison, records: list[dict[str, Any]]) -> str:
    """One table per comparison table: a row per config and fraction, seeds averaged."""
    parts = []
    for table in comparison.tables:
        mine = [r for r in records if r["table"] == table.title]
        if mine:
            parts.append(table_markdown(table, comparison.seeds, mine))
        if any(r.get("curve") for r in mine):
            parts.append(curves_markdown(table, mine))
    return "\n\n".join(parts) + "\n"


def table_markdown(table: Table, seeds: tuple[int, ...], records: list[dict[str, Any]]) -> str:
    """The headline distance per seed and as a ratio to the baseline, then the other measures."""
    headline = table.metric
    others = [k for k in QUALITY if k != headline and any(r.get(k) is not None for r in records)]
    batch = f", batch {table.batch_size}" if table.batch_size else ""
    scale = " x 1e3" if headline == "swd" else ""
    lines = [
        f"**{table.title}**: {table.steps} optimiser steps{batch}, seeds "
        f"{', '.join(map(str, seeds))}; {QUALITY.get(headline, headline)}{scale} (lower is "
        f"better), per seed in brackets; ratio = {QUALITY.get(headline, headline)} / "
        f"{table.baseline}'s at the same fraction",
        "",
        "| data | config | "
        + QUALITY.get(headline, headline)
        + " | ratio | "
        + "".join(f"{QUALITY[k]} | " for k in others)
        + "fid_orbit | d_invariance | fit time | G / D params |",
        "|---|---|---|---|" + "---|" * len(others) + "---|---|---|---|",
    ]
    for fraction in table.fractions:
        at = [r for r in records if r["fraction"] == fraction]
        baseline = _mean(at, table.baseline, headline)
        for config in table.configs:
            rows = sorted((r for r in at if r["config"] == config), key=lambda r: r["seed"])
            if not rows:
                continue
            value = _mean(at, config, headline)
            ratio = f"{value / baseline:.2f}" if value is not None and baseline else "-"
            per_seed = ", ".join(_number(r.get(headline)) for r in rows)
            cells = [
                f"{fraction:.0%} ({rows[0]['train_images']} images)",
                config,
                f"{_number(value)} [{per_seed}]",
                ratio,
                *(_number(_mean(at, config, k), 3 if k == "label_accuracy" else 2) for k in others),
                _number(_mean(at, config, "fid_orbit"), 3),
                _number(_mean(at, config, "d_invariance"), 3),
                f"{_mean(at, config, 'seconds'):.0f} s",
                f"{rows[0]['g_params']:,} / {rows[0]['d_params']:,}",
            ]
            lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _mean(records: list[dict[str, Any]], config: str, key: str) -> float | None:
    values = [r[key] for r in records if r["config"] == config and r.get(key) is not None]
    return mean(values) if values else None


def _number(value: float | None, digits: int = 2) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}g}" if abs(value) < 1e-2 else f"{value:.{digits}f}"
