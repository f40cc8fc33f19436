"""The study's summary: a Markdown table (printed and saved) and the same numbers as JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

from ginv_lightning.persistence.atomic_files import write_atomic
from ginv_lightning.study.analysis import Analysis, LineResult


def summary_markdown(analysis: Analysis, target: str, samples: int, unit: str = "points") -> str:
    """The results table: W1 per n (geometric mean, x/ sd factor), slope, multiplier vs |G|."""
    ns = sorted({n for line in analysis.lines for n in line.n})
    lines = [
        f"Target: {target}. W1 between {samples} generated and {samples} held-out {unit}; "
        f"noise floor (two independent target samples of that size): "
        f"**{analysis.floor:.4f} +- {analysis.floor_std:.4f}**. Cells: geometric mean over "
        "seeds, with the geometric standard deviation (x/) of the seeds; `*` marks means "
        "too close to the floor to be used in fits.",
        "",
        "| model | group | " + " | ".join(f"n={n}" for n in ns)
        + " | slope [95% CI] | multiplier [95% CI] | theory |G| |",
        "|---|---|" + "---|" * len(ns) + "---|---|---|",
    ]  # fmt: skip
    for line in analysis.lines:
        cells = {n: _cell(line, i) for i, n in enumerate(line.n)}
        row = [line.model, line.group, *(cells.get(n, "") for n in ns)]
        row.append(_with_ci(line.slope, line.slope_ci, "{:.2f}"))
        row.append(_multiplier(line))
        row.append("" if line.model == "ordinary" or line.group == "C1" else str(line.order))
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines) + "\n"


def write_summary(analysis: Analysis, markdown: str, out: Path) -> tuple[Path, Path]:
    md = out / "summary.md"
    write_atomic(md, markdown)
    payload = {
        "floor": analysis.floor,
        "floor_std": analysis.floor_std,
        "lines": [_finite(dataclasses.asdict(line)) for line in analysis.lines],
    }
    js = out / "summary.json"
    write_atomic(js, json.dumps(payload, indent=1))
    return md, js


def _cell(line: LineResult, i: int) -> str:
    mark = "" if line.resolved[i] else "*"
    return f"{line.mean[i]:.3f} x/{math.exp(line.spread[i]):.2f}{mark}"


def _multiplier(line: LineResult) -> str:
    if not line.reference:
        return ""
    bound = ""
    if math.isfinite(line.multiplier_bound) and not line.multiplier >= line.multiplier_bound:
        up_to = round(line.multiplier_bound * line.bound_n)
        bound = f"(n={line.bound_n} beats it at every n up to {up_to})"
    if not math.isfinite(line.multiplier):
        if not bound:
            return f"not measurable vs {line.reference}"
        return f"> {line.multiplier_bound:.0f} vs {line.reference} {bound}"
    value = _with_ci(line.multiplier, line.multiplier_ci, "{:.1f}")
    used = f"{value} vs {line.reference} (n={','.join(map(str, line.multiplier_n))})"
    if bound:
        return f"{used}; > {line.multiplier_bound:.0f} {bound}"
    return used


def _with_ci(value: float, ci: tuple[float, float], fmt: str) -> str:
    if not math.isfinite(value):
        return ""
    if not all(math.isfinite(c) for c in ci):
        return fmt.format(value)
    return f"{fmt.format(value)} [{fmt.format(ci[0])}, {fmt.format(ci[1])}]"


def _finite(value):
    """JSON has no NaN: write null instead."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_finite(v) for v in value]
    return value
