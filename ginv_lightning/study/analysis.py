"""Slopes of log W1 against log n, and the effective-sample-size multiplier, with bootstrap CIs.

Every statistic is computed from the per-n geometric means of W1 over seeds;
its confidence interval comes from resampling the seeds with replacement (one
resample is applied to every line, since a seed fixes the training points of
every model). Points whose mean W1 is within ``resolve_factor`` of the noise
floor are left out of the fits: there the metric measures its own noise.

The multiplier of a model line against its reference (the ordinary GAN of the
same group; for the empirical kind, the plain training set) is how many more
samples the reference needs to reach the model's error: at each n, the n' at
which the reference's log-log line reaches the model's W1, divided by n;
averaged geometrically over the n where the model's W1 lies inside the range
the reference's resolved points span (interpolation only, never extrapolation).
A reference whose error does not fall with n (slope, or its interval, reaching
0) gives no exchange rate of samples, so no multiplier. Where the model at some
n beats the reference at every n the reference ran, up to N, the reference
needs more than N samples whatever its curve: the multiplier there is at least
N / n, a lower bound the report gives where it says more than the fitted
multiplier (a reference that levels off is no power law, and its fitted line
then misjudges the n it needs).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

Line = tuple[str, str]  # (model, group)


@dataclass
class LineResult:
    model: str
    group: str
    order: int
    n: list[int]
    mean: list[float]  # geometric mean of W1 over seeds, per n
    spread: list[float]  # standard deviation of log W1 over seeds, per n
    runs: list[int]  # seeds per n
    resolved: list[bool]
    slope: float = math.nan
    slope_ci: tuple[float, float] = (math.nan, math.nan)
    multiplier: float = math.nan
    multiplier_ci: tuple[float, float] = (math.nan, math.nan)
    multiplier_n: list[int] = field(default_factory=list)  # the n it is averaged over
    reference: str = ""
    multiplier_bound: float = math.nan  # the reference's largest n / bound_n
    bound_n: int = 0  # the least n at which the line beats the reference at every n


@dataclass
class Analysis:
    floor: float
    floor_std: float
    lines: list[LineResult]


def analyse(
    rows: list[dict],
    floor: tuple[float, float],
    resolve_factor: float,
    bootstrap: int,
    seed: int = 0,
) -> Analysis:
    """Per line: geometric means, spread, slope and multiplier with 95% bootstrap intervals.

    ``rows`` are the study's runs (dicts with model, group, order, n, seed, w1).
    """
    table = _table(rows)
    seeds = sorted({r["seed"] for r in rows})
    threshold = resolve_factor * floor[0]
    results = []
    for line in sorted(table, key=_line_order):
        ns = sorted(table[line])
        means = [_geomean(table[line][n].values()) for n in ns]
        spread = [_logstd(table[line][n].values()) for n in ns]
        results.append(
            LineResult(
                model=line[0],
                group=line[1],
                order=_order(rows, line),
                n=ns,
                mean=means,
                spread=spread,
                runs=[len(table[line][n]) for n in ns],
                resolved=[m >= threshold for m in means],
            )
        )
    rng = np.random.default_rng(seed)
    # one seed gives no spread to resample: no intervals then
    draws = bootstrap if len(seeds) > 1 else 0
    resamples = [list(rng.choice(seeds, size=len(seeds))) for _ in range(draws)]
    by_line = {(r.model, r.group): r for r in results}
    for result in results:
        _fit_slope(result, table, resamples)
    for result in results:
        reference = _reference(result, by_line)
        if reference is not None:
            _fit_multiplier(result, reference, table, resamples)
            _bound_multiplier(result, reference)
    return Analysis(floor[0], floor[1], results)


def _fit_slope(result: LineResult, table: dict, resamples: list[list[int]]) -> None:
    ns = [n for n, ok in zip(result.n, result.resolved, strict=True) if ok]
    if len(ns) < 2:
        return
    cells = table[(result.model, result.group)]
    means = dict(zip(result.n, result.mean, strict=True))
    result.slope = _slope(ns, [means[n] for n in ns])
    draws = [_slope(ns, [_resampled_mean(cells[n], s) for n in ns]) for s in resamples]
    result.slope_ci = _interval(draws)


def _fit_multiplier(
    result: LineResult, reference: LineResult, table: dict, resamples: list[list[int]]
) -> None:
    ref_ns = [n for n, ok in zip(reference.n, reference.resolved, strict=True) if ok]
    if len(ref_ns) < 2:
        return
    ref_cells = table[(reference.model, reference.group)]
    cells = table[(result.model, result.group)]
    ref_means = dict(zip(reference.n, reference.mean, strict=True))
    low = min(ref_means[n] for n in ref_ns)
    high = max(ref_means[n] for n in ref_ns)
    ns = [
        n
        for n, mean, ok in zip(result.n, result.mean, result.resolved, strict=True)
        if ok and low <= mean <= high
    ]
    result.reference = f"{reference.model} {reference.group}"
    if not ns or not _falls_with_n(reference):
        return
    result.multiplier_n = ns
    means = dict(zip(result.n, result.mean, strict=True))
    result.multiplier = _multiplier(
        ref_ns, [ref_means[n] for n in ref_ns], ns, [means[n] for n in ns]
    )
    draws = [
        _multiplier(
            ref_ns,
            [_resampled_mean(ref_cells[n], s) for n in ref_ns],
            ns,
            [_resampled_mean(cells[n], s) for n in ns],
        )
        for s in resamples
    ]
    result.multiplier_ci = _interval(draws)


def _falls_with_n(line: LineResult) -> bool:
    """Whether the line's error decreases with n: slope below 0, and its interval too."""
    upper = line.slope_ci[1] if math.isfinite(line.slope_ci[1]) else line.slope
    return line.slope < 0 and upper < 0


def _bound_multiplier(result: LineResult, reference: LineResult) -> None:
    """The lower bound N / n, for the least n at which the line beats every reference point."""
    best, largest = min(reference.mean), max(reference.n)
    beating = [
        n for n, mean in zip(result.n, result.mean, strict=True) if mean < best and n < largest
    ]  # at the reference's largest n the bound would be 1: nothing
    if beating:
        result.reference = f"{reference.model} {reference.group}"
        result.bound_n = min(beating)
        result.multiplier_bound = max(reference.n) / result.bound_n


def _multiplier(
    ref_ns: list[int], ref_means: list[float], ns: list[int], means: list[float]
) -> float:
    """Mean over ``ns`` of (n' at which the reference's log-log line reaches the mean) / n."""
    slope, intercept = np.polyfit(np.log(ref_ns), np.log(ref_means), 1)
    if slope >= 0:
        return math.nan
    ratios = [
        (math.log(m) - intercept) / slope - math.log(n) for n, m in zip(ns, means, strict=True)
    ]
    return math.exp(float(np.mean(ratios)))


def _reference(result: LineResult, lines: dict[Line, LineResult]) -> LineResult | None:
    if result.model == "ordinary":
        return None
    if result.model == "empirical":
        return None if result.group == "C1" else lines.get(("empirical", "C1"))
    return lines.get(("ordinary", result.group))


def _table(rows: list[dict]) -> dict[Line, dict[int, dict[int, float]]]:
    """{(model, group): {n: {seed: w1}}}."""
    table: dict[Line, dict[int, dict[int, float]]] = {}
    for r in rows:
        table.setdefault((r["model"], r["group"]), {}).setdefault(r["n"], {})[r["seed"]] = r["w1"]
    return table


def _resampled_mean(by_seed: dict[int, float], resample: list[int]) -> float:
    values = [by_seed[s] for s in resample if s in by_seed]
    return _geomean(values) if values else _geomean(by_seed.values())


def _slope(ns: list[int], means: list[float]) -> float:
    return float(np.polyfit(np.log(ns), np.log(means), 1)[0])


def _interval(draws: list[float]) -> tuple[float, float]:
    finite = [d for d in draws if math.isfinite(d)]
    if not finite or len(finite) < len(draws) / 2:
        return (math.nan, math.nan)
    low, high = np.percentile(finite, [2.5, 97.5])
    return float(low), float(high)


def _geomean(values) -> float:
    return float(np.exp(np.mean(np.log(list(values)))))


def _logstd(values) -> float:
    logs = np.log(list(values))
    return float(np.std(logs, ddof=1)) if len(logs) > 1 else 0.0


def _order(rows: list[dict], line: Line) -> int:
    return next(int(r["order"]) for r in rows if (r["model"], r["group"]) == line)


MODEL_ORDER = ("ordinary", "invariant", "symmetrized", "augmentation", "empirical")


def _line_order(line: Line) -> tuple[int, str]:
    model, group = line
    rank = MODEL_ORDER.index(model) if model in MODEL_ORDER else len(MODEL_ORDER)
    return rank, group
