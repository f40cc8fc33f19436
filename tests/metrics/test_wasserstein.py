"""W1 through POT against closed forms."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from ginv_lightning.metrics.wasserstein import noise_floor, wasserstein1


def test_one_dimensional_w1_is_the_mean_gap_between_sorted_samples():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(2000, 1))
    y = rng.exponential(size=(2000, 1))
    closed_form = np.abs(np.sort(x[:, 0]) - np.sort(y[:, 0])).mean()
    assert wasserstein1(x, y) == pytest.approx(closed_form, rel=1e-9)


def test_unequal_sizes_match_the_quantile_form():
    """W1 in 1-D is the integral of |F^-1 - G^-1|; with 2 and 4 points it is exact in thirds."""
    x = np.array([[0.0], [1.0]])
    y = np.array([[0.0], [0.0], [3.0], [3.0]])
    assert wasserstein1(x, y) == pytest.approx(1.0)  # half the mass moves 2 (1 -> 3)


def test_a_translated_sample_is_at_the_length_of_the_translation():
    x = torch.randn(500, 2, generator=torch.Generator().manual_seed(0))
    shift = torch.tensor([3.0, 4.0])
    assert wasserstein1(x, x + shift) == pytest.approx(5.0)
    assert wasserstein1(x, x) == pytest.approx(0.0, abs=1e-12)


def test_noise_floor_is_positive_and_shrinks_with_the_sample_size():
    def sampler(size):
        return lambda i: torch.randn(size, 2, generator=torch.Generator().manual_seed(i))

    small, _ = noise_floor(sampler(200), 3)
    large, spread = noise_floor(sampler(2000), 3)
    assert 0 < large < small and spread >= 0


def test_samples_of_different_dimensions_are_refused():
    with pytest.raises(ValueError, match="dimension"):
        wasserstein1(np.zeros((3, 2)), np.zeros((3, 1)))
