"""FID and KID as wired here (torchmetrics on precomputed features) against known answers."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from scipy import linalg

from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.quality import SampleQuality


class Identity(torch.nn.Module):
    num_features = 4

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x


def gaussian(n: int, mean: np.ndarray, cov: np.ndarray, seed: int) -> torch.Tensor:
    rng = np.random.default_rng(seed)
    return torch.from_numpy(rng.multivariate_normal(mean, cov, size=n))


def frechet(mu1, sigma1, mu2, sigma2) -> float:
    """Closed form: ||mu1 - mu2||^2 + Tr(S1 + S2 - 2 (S1 S2)^(1/2))."""
    root = linalg.sqrtm(sigma1 @ sigma2).real
    return float(((mu1 - mu2) ** 2).sum() + np.trace(sigma1 + sigma2 - 2 * root))


def registered(name: str) -> torch.nn.Module:
    """The registered metric ``name`` as the evaluation loop builds it for 4-d features."""
    config = MetricsConfig(kid_subset_size=500, kid_subsets=20)
    quality = SampleQuality(config, Identity(), "identity")
    quality.choose_metrics((4,))
    return quality.metrics[name]


def test_fid_matches_the_closed_form_for_two_gaussians():
    mu1, mu2 = np.zeros(4), np.array([1.0, -0.5, 0.0, 2.0])
    a = np.random.default_rng(0).normal(size=(4, 4))
    sigma1, sigma2 = np.eye(4), a @ a.T / 4 + 0.5 * np.eye(4)
    fid = registered("fid").distance
    fid.update(gaussian(200_000, mu1, sigma1, 1), real=True)
    fid.update(gaussian(200_000, mu2, sigma2, 2), real=False)
    expected = frechet(mu1, sigma1, mu2, sigma2)
    assert fid.compute().item() == pytest.approx(expected, rel=0.02)


def test_kid_is_near_zero_for_one_law_and_positive_for_two():
    mu, cov = np.zeros(4), np.eye(4)
    same, different = registered("kid").distance, registered("kid").distance
    real = gaussian(3000, mu, cov, 1)
    same.update(real, real=True)
    same.update(gaussian(3000, mu, cov, 2), real=False)
    different.update(real, real=True)
    different.update(gaussian(3000, mu + 1.0, cov, 3), real=False)
    torch.manual_seed(0)
    same_mean, same_std = same.compute()
    different_mean, _ = different.compute()
    assert abs(same_mean.item()) < 3 * same_std.item() + 1e-3
    assert different_mean.item() > 0.5
