"""The learning curves of a comparison's table: a picture and what they say in numbers.

A cell's record keeps its curve (``record["curve"]``, points measured on the
validation split every ``curve_every`` optimiser steps; see
:class:`~ginv_lightning.callbacks.learning_curve.LearningCurve`). Seeds of a
config are averaged point by point (they share the steps), and each config's
mean curve is compared with the baseline's: its best value and where it was
reached, and the step and training time at which it first got as good as the
baseline's final and best values.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from statistics import mean
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt

from ginv_lightning.comparison.spec import Table
from ginv_lightning.persistence.atomic_files import atomic_writer

LABELS = {"swd": "SWD x 1e3", "fid": "FID", "kid": "KID", "fid_intra": "intra-class FID"}


@dataclass(frozen=True)
class MeanCurve:
    """One config's curve at one fraction, the mean over its seeds."""

    steps: list[int]
    seconds: list[float]
    values: list[float]

    def best(self) -> tuple[float, int]:
        """The lowest value and the first step it was reached at."""
        low = min(self.values)
        return low, self.steps[self.values.index(low)]

    def reaching(self, target: float) -> tuple[int, float] | None:
        """The first step (and training seconds) at which the curve is at or below ``target``."""
        for step, seconds, value in zip(self.steps, self.seconds, self.values, strict=True):
            if value <= target:
                return step, seconds
        return None


def mean_curve(records: list[dict[str, Any]], metric: str) -> MeanCurve | None:
    """The point-by-point mean of the records' curves (over the steps all of them have)."""
    curves = [r["curve"] for r in records if r.get("curve")]
    if not curves:
        return None
    shared = sorted(set.intersection(*({p["step"] for p in c if metric in p} for c in curves)))
    if not shared:
        return None
    at = [{p["step"]: p for p in c} for c in curves]
    return MeanCurve(
        steps=shared,
        seconds=[mean(points[s]["seconds"] for points in at) for s in shared],
        values=[mean(points[s][metric] for points in at) for s in shared],
    )


def curves_markdown(table: Table, records: list[dict[str, Any]]) -> str:
    """Per fraction and config: best value along the run, and when it matched the baseline."""
    metric = table.metric
    lines = [
        f"Along the run ({LABELS.get(metric, metric)} on the validation split every "
        f"{table.curve_every} optimiser steps, mean over seeds): the best value and the "
        f"step it was reached at; the step and training time at which each config first "
        f"reached {table.baseline}'s final and best values, and that time as a share of "
        f"{table.baseline}'s whole fit",
        "",
        "| data | config | best (step) | reached baseline's final | reached baseline's best |",
        "|---|---|---|---|---|",
    ]
    for fraction in table.fractions:
        at = [r for r in records if r["fraction"] == fraction]
        base = mean_curve([r for r in at if r["config"] == table.baseline], metric)
        if base is None:
            continue
        targets = (base.values[-1], base.best()[0])
        for config in table.configs:
            curve = mean_curve([r for r in at if r["config"] == config], metric)
            if curve is None:
                continue
            low, step = curve.best()
            reached = [_when(curve.reaching(t), base.seconds[-1]) for t in targets]
            lines.append(
                f"| {fraction:.0%} | {config} | {_value(metric, low)} ({step}) | "
                + " | ".join(reached)
                + " |"
            )
    return "\n".join(lines)


def _when(reached: tuple[int, float] | None, baseline_seconds: float) -> str:
    if reached is None:
        return "not reached"
    step, seconds = reached
    share = f", {seconds / baseline_seconds:.2f}x" if baseline_seconds > 0 else ""
    return f"step {step}, {seconds:.0f} s{share}"


def _value(metric: str, value: float) -> str:
    return f"{value:.3f}" if metric == "kid" else f"{value:.2f}"


def curves_picture(table: Table, records: list[dict[str, Any]], path: Path) -> bool:
    """``metric`` (log scale) against optimiser steps and training time, a row per fraction.

    One colour per config: a thin line per seed, a bold one for the mean. False
    (and nothing written) when no record has a curve.
    """
    metric = table.metric
    fractions = [f for f in table.fractions if any(
        r.get("curve") and r["fraction"] == f for r in records)]  # fmt: skip
    if not fractions:
        return False
    colours = plt.get_cmap("tab10")
    fig, axes = plt.subplots(len(fractions), 2, figsize=(11, 3.8 * len(fractions)), squeeze=False)
    for row, fraction in zip(axes, fractions, strict=True):
        for index, config in enumerate(table.configs):
            mine = [r for r in records if r["fraction"] == fraction and r["config"] == config]
            colour = colours(index % 10)
            for record in mine:
                points = [p for p in record.get("curve", []) if metric in p]
                for ax, x in zip(row, ("step", "seconds"), strict=True):
                    ax.plot([p[x] for p in points], [p[metric] for p in points],
                            color=colour, linewidth=0.7, alpha=0.5)  # fmt: skip
            curve = mean_curve(mine, metric)
            if curve is not None:
                row[0].plot(curve.steps, curve.values, color=colour, linewidth=2.2, label=config)
                row[1].plot(curve.seconds, curve.values, color=colour, linewidth=2.2)
        for ax, x in zip(row, ("optimiser steps", "training time (s)"), strict=True):
            ax.set_xlabel(x)
            ax.set_ylabel(f"{LABELS.get(metric, metric)} (validation, log scale)")
            ax.set_yscale("log")
            ax.set_title(f"{fraction:.0%} of the training data", fontsize=10)
            ax.grid(alpha=0.3)
        row[0].legend(fontsize=7)
    fig.suptitle(table.title, fontsize=11)  # once: two long titles side by side collide
    fig.tight_layout()
    with atomic_writer(path) as handle:
        fig.savefig(handle, format="png", dpi=110)
    plt.close(fig)
    return True
