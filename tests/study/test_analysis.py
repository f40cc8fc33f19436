"""The study's statistics recover known slopes and multipliers from synthetic results."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ginv_lightning.study.analysis import analyse
from ginv_lightning.study.report import summary_markdown

NS = [4, 8, 16, 32, 64, 128]


def rows(model: str, group: str, order: int, law, seeds=range(5), noise=0.0) -> list[dict]:
    rng = np.random.default_rng(len(model) + order)
    return [
        {
            "model": model, "group": group, "order": order, "n": n, "seed": seed,
            "w1": law(n) * math.exp(noise * rng.normal()),
        }
        for n in NS
        for seed in seeds
    ]  # fmt: skip


def test_power_laws_give_their_slope_and_the_sample_multiplier():
    data = rows("ordinary", "C4", 4, lambda n: n**-0.5) + rows(
        "invariant", "C4", 4, lambda n: (4 * n) ** -0.5
    )
    result = {line.model: line for line in analyse(data, (0.001, 0.0001), 1.5, 200).lines}
    assert result["ordinary"].slope == pytest.approx(-0.5)
    assert result["invariant"].slope == pytest.approx(-0.5)
    assert result["invariant"].multiplier == pytest.approx(4.0)
    assert result["invariant"].reference == "ordinary C4"
    # interpolation only: at n = 64, 128 the invariant errors lie below all the ordinary ones
    assert result["invariant"].multiplier_n == [4, 8, 16, 32]


def test_confidence_intervals_cover_the_truth_and_widen_with_noise():
    data = rows("ordinary", "C2", 2, lambda n: 2 * n**-0.5, noise=0.2) + rows(
        "invariant", "C2", 2, lambda n: 2 * (2 * n) ** -0.5, noise=0.2
    )
    lines = {line.model: line for line in analyse(data, (0.001, 0.0001), 1.5, 500).lines}
    low, high = lines["invariant"].multiplier_ci
    assert low < 2.0 < high and high - low > 0.2
    low, high = lines["ordinary"].slope_ci
    assert low < -0.5 < high


def test_points_at_the_noise_floor_are_not_fitted():
    data = rows("ordinary", "C4", 4, lambda n: max(n**-0.5, 0.1))
    (line,) = analyse(data, (0.1, 0.01), 1.5, 100).lines
    assert line.resolved == [True, True, True, True, False, False]  # 1/sqrt(n) >= 0.15
    assert line.slope == pytest.approx(-0.5)


def test_empirical_lines_compare_with_the_plain_training_set():
    data = rows("empirical", "C1", 1, lambda n: n**-0.5) + rows(
        "empirical", "C4", 4, lambda n: (8 * n) ** -0.5
    )
    lines = {line.group: line for line in analyse(data, (0.001, 0.0001), 1.5, 100).lines}
    assert lines["C4"].multiplier == pytest.approx(8.0)
    assert lines["C1"].reference == ""


def test_a_single_seed_gives_estimates_without_intervals():
    data = rows("ordinary", "C4", 4, lambda n: n**-0.5, seeds=[0]) + rows(
        "invariant", "C4", 4, lambda n: (4 * n) ** -0.5, seeds=[0]
    )
    lines = {line.model: line for line in analyse(data, (0.001, 0.0001), 1.5, 100).lines}
    assert lines["invariant"].multiplier == pytest.approx(4.0)
    assert all(
        math.isnan(x) for x in (*lines["invariant"].multiplier_ci, *lines["ordinary"].slope_ci)
    )


def test_a_reference_that_does_not_improve_with_n_gives_a_lower_bound_not_a_multiplier():
    # the ordinary GAN stuck at 0.15 whatever n; the invariant one falls below it from n = 16
    data = rows("ordinary", "S8", 40320, lambda n: 0.15 * n**0.01, noise=0.01) + rows(
        "invariant", "S8", 40320, lambda n: 0.5 * n**-0.5
    )
    lines = {line.model: line for line in analyse(data, (0.001, 0.0001), 1.5, 200).lines}
    invariant = lines["invariant"]
    assert math.isnan(invariant.multiplier)  # no exchange rate: more data does not help
    assert invariant.bound_n == 16  # 0.5 / sqrt(8) = 0.18 is above 0.15, 0.5 / 4 below
    assert invariant.multiplier_bound == 128 / 16
    table = summary_markdown(analyse(data, (0.001, 0.0001), 1.5, 200), "flat", 2000)
    assert "| > 8 vs ordinary S8 (n=16 beats it at every n up to 128) |" in table


def test_a_line_a_hair_below_its_reference_gets_no_bound_of_one():
    # below the reference's best only at the reference's own largest n: N / n = 1 says nothing
    reference = rows("empirical", "C1", 1, lambda n: n**-0.3)
    data = reference + rows("empirical", "S4", 24, lambda n: 0.999999 * n**-0.3)
    lines = analyse(data, (0.001, 0.0001), 1.5, 100).lines
    (s4,) = [line for line in lines if line.group == "S4"]
    assert s4.multiplier == pytest.approx(1.0, rel=1e-3) and math.isnan(s4.multiplier_bound)
