"""ShapeStatistics: invariant under the cube's symmetries, sensitive to shape, strict on input."""

from __future__ import annotations

import pytest
import torch
from torchmetrics.image.fid import FrechetInceptionDistance

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.features import build_features
from ginv_lightning.symmetry import resolve_group
from ginv_volumetric.features import ShapeStatistics
from ginv_volumetric.polycubes import polycubes


def fid(features: torch.nn.Module, real: torch.Tensor, fake: torch.Tensor) -> float:
    class Precomputed(torch.nn.Module):
        num_features = ShapeStatistics.num_features

        def forward(self, x: torch.Tensor) -> torch.Tensor:
            return x

    metric = FrechetInceptionDistance(feature=Precomputed(), normalize=True)
    metric.update(features(real).double(), real=True)
    metric.update(features(fake).double(), real=False)
    return float(metric.compute())


def test_statistics_are_invariant_under_every_symmetry_of_the_cube():
    symmetry = resolve_group("full_octahedral")
    grids = polycubes(64, cells=4, cell_size=3, size=16, seed=0)
    grids = grids + 0.3 * torch.rand(grids.shape, generator=torch.Generator().manual_seed(0))
    features = ShapeStatistics()
    reference = features(grids)
    assert reference.shape == (64, ShapeStatistics.num_features)
    for g in symmetry.elements():
        assert torch.allclose(features(symmetry.act(g, grids)), reference, atol=1e-10)


def test_fid_on_statistics_tells_other_shapes_from_the_same_shapes():
    features = ShapeStatistics()
    tetracubes = polycubes(1200, cells=4, cell_size=3, size=16, seed=0)
    same = polycubes(1200, cells=4, cell_size=3, size=16, seed=1)
    pentacubes = polycubes(1200, cells=5, cell_size=3, size=16, seed=1)
    bumps = torch.randn(tetracubes.shape, generator=torch.Generator().manual_seed(2))
    noisy = (tetracubes + 0.5 * bumps).clamp(-1, 1)
    baseline = fid(features, tetracubes, same)
    assert fid(features, tetracubes, pentacubes) > 20 * baseline
    assert fid(features, tetracubes, noisy) > 20 * baseline


def test_images_are_refused_with_a_clear_error():
    with pytest.raises(ValueError, match=r"voxel grids \(N, C, S, S, S\), got \(2, 1, 16, 16\)"):
        ShapeStatistics()(torch.zeros(2, 1, 16, 16))
    with pytest.raises(ConfigError, match="ShapeStatistics cannot take the data"):
        build_features("ginv_volumetric.features.ShapeStatistics", torch.zeros(2, 1, 16, 16))


def test_builtin_image_features_refuse_voxels():
    with pytest.raises(ConfigError, match=r"'digits' works on 2-D images .* 3-D grids"):
        build_features("digits", torch.zeros(2, 1, 16, 16, 16))
