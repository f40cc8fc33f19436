"""The study's targets are invariant under their rotations, and seeded."""

from __future__ import annotations

import math

import pytest
import torch

from ginv_lightning.data.points import TargetPoints
from ginv_lightning.data.targets import GaussianMixture, SymmetricCurve
from ginv_lightning.errors import ConfigError
from ginv_lightning.symmetry import resolve_group

TARGETS = [GaussianMixture(k=4, std=0.2), SymmetricCurve(k=4), GaussianMixture(k=3, std=0.2)]


def fourier_features(points: torch.Tensor, orders: int = 12) -> torch.Tensor:
    """r^2 cos(m t), r^2 sin(m t) for m = 1..orders per point; a rotation by a turns them by m a."""
    r2 = points.pow(2).sum(1, keepdim=True)
    t = torch.atan2(points[:, 1:], points[:, :1])
    m = torch.arange(1, orders + 1, dtype=points.dtype)
    return torch.cat([r2 * torch.cos(m * t), r2 * torch.sin(m * t)], dim=1)


def z_scores(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """|mean difference| of the Fourier features of two independent samples, in standard errors."""
    fx, fy = fourier_features(x), fourier_features(y)
    error = (fx.var(0) / len(fx) + fy.var(0) / len(fy)).sqrt()
    return (fx.mean(0) - fy.mean(0)).abs() / error


@pytest.mark.parametrize("target", TARGETS, ids=repr)
def test_samples_match_their_rotation_by_the_symmetry_and_not_by_half_of_it(target):
    points = target.sample_nested(40_000, seed=3)
    other = target.sample_nested(40_000, seed=4)  # independent of points
    symmetry = resolve_group(f"C{target.k}")
    moved = symmetry.act(symmetry.elements()[1], points)  # rotation by 360/k degrees
    assert float(z_scores(moved, other).max()) < 5
    finer = resolve_group(f"C{2 * target.k}")
    half_moved = finer.act(finer.elements()[1], points)  # 180/k degrees: not a symmetry
    assert float(z_scores(half_moved, other).max()) > 20


def test_curve_has_no_reflection_symmetry():
    points = SymmetricCurve(k=4).sample_nested(40_000, seed=0)
    mirrored = points * torch.tensor([1.0, -1.0], dtype=points.dtype)
    other = SymmetricCurve(k=4).sample_nested(40_000, seed=1)
    assert float(z_scores(mirrored, other).max()) > 20


def test_curve_points_lie_near_the_curve():
    target = SymmetricCurve(k=5, amplitude=0.2, std=0.01)
    points = target.sample_nested(5000, seed=0)
    t = torch.atan2(points[:, 1], points[:, 0])
    r = target.radius * (1 + target.amplitude * (torch.sin(5 * t) + torch.sin(10 * t) / 2))
    assert float((points.norm(dim=1) - r).abs().median()) < 0.02


def test_samples_are_seeded_and_nested_in_n():
    target = GaussianMixture(k=4)
    assert torch.equal(target.sample_nested(300, seed=1)[:40], target.sample_nested(40, seed=1))
    assert not torch.equal(target.sample_nested(40, seed=1), target.sample_nested(40, seed=2))
    data = TargetPoints(target, num_train=10, num_heldout=2000, seed=5, heldout_seed=0)
    again = TargetPoints(target, num_train=50, num_heldout=2000, seed=6, heldout_seed=0)
    assert torch.equal(data.heldout_points, again.heldout_points)
    assert not any(torch.equal(p, q) for p in data.train_points for q in data.heldout_points)


def test_batches_are_full_even_when_n_is_smaller_than_the_batch():
    data = TargetPoints(GaussianMixture(k=4), num_train=5, batch_size=64, batches_per_epoch=3)
    batches = list(data.train_dataloader())
    assert [tuple(b.shape) for b in batches] == [(64, 2)] * 3
    train = data.train_points.float()
    assert all(any(torch.equal(row, p) for p in train) for b in batches for row in b)
    big = TargetPoints(GaussianMixture(k=4), num_train=128, batch_size=64, batches_per_epoch=2)
    first, second = list(big.train_dataloader())
    rows = torch.cat([first, second])
    assert len({tuple(r.tolist()) for r in rows}) == 128  # one shuffle: no point repeated


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: GaussianMixture(k=0), "k"),
        (lambda: GaussianMixture(std=0.0), "std"),
        (lambda: SymmetricCurve(amplitude=-1.0), "amplitude"),
        (lambda: TargetPoints(GaussianMixture(), num_train=0), "num_train"),
    ],
)
def test_bad_target_settings_are_refused(make, message):
    with pytest.raises(ConfigError, match=message):
        make()


def test_mixture_components_sit_on_the_circle():
    target = GaussianMixture(k=6, radius=2.0, std=0.01)
    points = target.sample_nested(600, seed=0)
    angles = torch.atan2(points[:, 1], points[:, 0]) % (2 * math.pi)
    nearest = torch.round(angles / (2 * math.pi / 6)) * (2 * math.pi / 6)
    assert float((angles - nearest).abs().max()) < 0.05
    assert float((points.norm(dim=1) - 2.0).abs().max()) < 0.1
