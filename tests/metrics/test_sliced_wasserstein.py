"""The multi-scale sliced Wasserstein distance against known answers, and its wiring."""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import ot
import pytest
import torch
import torch.nn.functional as F

from ginv_lightning.data import RotDigits
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.orbit import CoarsePixels
from ginv_lightning.metrics.quality import SampleQuality
from ginv_lightning.metrics.sliced_wasserstein import (
    _upsample,
    laplacian_pyramid,
    pyramid_sizes,
    sliced_wasserstein,
    sliced_wasserstein_pyramid,
)
from ginv_lightning.nn import Generator
from ginv_lightning.symmetry import resolve_group

SETTINGS = {"patches_per_image": 32, "projections": 64, "seed": 0}


@lru_cache
def digits(part: str, channels: int = 1) -> torch.Tensor:
    return RotDigits(image_size=24, channels=channels).images(part)


def gaussian(n: int, d: int, scale: float, seed: int) -> torch.Tensor:
    return scale * torch.randn(
        n, d, generator=torch.Generator().manual_seed(seed), dtype=torch.float64
    )


# --- the distance between descriptor sets ---------------------------------------------


def test_isotropic_gaussians_have_sliced_distance_the_gap_of_their_scales():
    """Projections of N(0, I) are N(0, 1): W2(N(0, 1), N(0, s^2)) = |1 - s|, W1 = |1 - s| E|Z|."""
    x, y = gaussian(10_000, 8, 1.0, 1), gaussian(10_000, 8, 2.0, 2)
    w2 = sliced_wasserstein(x, y, projections=100, seed=0, p=2)
    w1 = sliced_wasserstein(x, y, projections=100, seed=0, p=1)
    assert w2 == pytest.approx(1.0, rel=0.03)
    assert w1 == pytest.approx(math.sqrt(2 / math.pi), rel=0.03)


def test_a_shift_moves_every_projection_by_its_component():
    """X vs X + c: each direction θ gives exactly |θ·c|; over the sphere SW2 = |c| / sqrt(d)."""
    d, projections = 4, 20_000
    x = gaussian(50, d, 1.0, 3)
    shift = torch.tensor([3.0, 4.0, 0.0, 0.0], dtype=torch.float64)
    directions = ot.sliced.get_random_projections(d, 50, seed=np.random.RandomState(7))
    along = np.abs(shift.numpy() @ directions)  # the same directions POT gets: an exact answer
    w1 = sliced_wasserstein(x, x + shift, projections=50, seed=7, p=1)
    w2 = sliced_wasserstein(x, x + shift, projections=50, seed=7, p=2)
    assert w1 == pytest.approx(along.mean(), rel=1e-9)
    assert w2 == pytest.approx(math.sqrt((along**2).mean()), rel=1e-9)
    # and the sphere averages: E|θ_1| = Γ(d/2) / (sqrt(π) Γ((d+1)/2)), E θ_1^2 = 1/d
    sphere_w1 = 5.0 * math.gamma(d / 2) / (math.sqrt(math.pi) * math.gamma((d + 1) / 2))
    assert sliced_wasserstein(x, x + shift, projections=projections, seed=0) == pytest.approx(
        sphere_w1, rel=0.02
    )
    assert sliced_wasserstein(x, x + shift, projections=projections, seed=0, p=2) == pytest.approx(
        5.0 / math.sqrt(d), rel=0.02
    )


# --- the pyramid ------------------------------------------------------------------------


def test_level_rule():
    assert pyramid_sizes(1024) == [1024, 512, 256, 128, 64, 32, 16]  # PGGAN's levels
    assert pyramid_sizes(64) == [64, 32, 16]
    assert pyramid_sizes(32) == [32, 16]
    assert pyramid_sizes(24) == [24, 12]  # small images go down to 8 px
    assert pyramid_sizes(28) == [28, 14]
    assert pyramid_sizes(16) == [16, 8]
    assert pyramid_sizes(7) == [7]
    with pytest.raises(ValueError):
        pyramid_sizes(6)


def test_the_laplacian_pyramid_collapses_back_to_the_images():
    images = torch.rand(3, 2, 24, 24, generator=torch.Generator().manual_seed(0)).double()
    levels = laplacian_pyramid(images, 3)
    assert [level.shape[-1] for level in levels] == [24, 12, 6]
    rebuilt = levels[-1]
    for band in reversed(levels[:-1]):
        rebuilt = band + _upsample(rebuilt, *band.shape[-2:])
    assert torch.allclose(rebuilt, images, atol=1e-12)


def test_identical_sets_are_at_exactly_zero():
    """Patch positions depend only on the seed and the image count: equal sets, equal patches."""
    real = digits("val")[:40]
    result = sliced_wasserstein_pyramid(real, real.clone(), **SETTINGS)
    assert result == {"swd_24": 0.0, "swd_12": 0.0, "swd": 0.0}


@pytest.mark.parametrize("channels", [1, 3])
def test_rotdigits_gives_one_distance_per_level_and_their_mean(channels):
    real, fake = digits("val", channels)[:20], digits("test", channels)[:30]
    result = sliced_wasserstein_pyramid(real, fake, **SETTINGS)
    assert set(result) == {"swd_24", "swd_12", "swd"}
    assert all(math.isfinite(v) and v > 0 for v in result.values())
    assert result["swd"] == pytest.approx((result["swd_24"] + result["swd_12"]) / 2)
    assert sliced_wasserstein_pyramid(real, fake, **SETTINGS) == result  # seeded


def test_blur_and_noise_increase_the_distance():
    real, held_out = digits("val"), digits("test")
    kernel = torch.full((1, 1, 3, 3), 1 / 9)
    blurred = F.conv2d(F.pad(held_out, (1, 1, 1, 1), mode="replicate"), kernel)
    noise = torch.randn(held_out.shape, generator=torch.Generator().manual_seed(0))
    distances = {
        name: sliced_wasserstein_pyramid(real, fake, **SETTINGS)["swd"]
        for name, fake in {
            "same law": held_out,
            "blurred": blurred,
            "noisy 0.1": (held_out + 0.1 * noise).clamp(-1, 1),
            "noisy 0.3": (held_out + 0.3 * noise).clamp(-1, 1),
        }.items()
    }
    assert distances["same law"] < distances["blurred"], distances
    assert distances["same law"] < distances["noisy 0.1"] < distances["noisy 0.3"], distances


def test_no_global_random_state_is_used():
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()
    sliced_wasserstein_pyramid(digits("val")[:10], digits("test")[:10], **SETTINGS)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert all(
        np.array_equal(a, b) for a, b in zip(np.random.get_state(), numpy_state, strict=True)
    )


# --- wired into SampleQuality --------------------------------------------------------------


class Replay(Generator):
    """A stand-in generator drawing from a fixed bank of images."""

    def __init__(self, bank: torch.Tensor) -> None:
        super().__init__()
        self.bank = bank
        self.latent_shape = (1,)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.bank[(z[:, 0].abs() * 1e6).long() % len(self.bank)]


def quality(shard: tuple[int, int] = (0, 1), features: str = "coarse", **settings) -> SampleQuality:
    config = MetricsConfig(
        num_samples=200, batch_size=50, kid_subset_size=50, kid_subsets=5, cache_dir="",
        swd_patches=16, swd_projections=32, **settings,
    )  # fmt: skip
    network = CoarsePixels(1, 2) if features == "coarse" else None
    metrics = SampleQuality(config, network, features)
    device = torch.device("cpu")
    metrics.add_reference(digits("val"), shard, device)
    metrics.add_generated(Replay(digits("test")), resolve_group("C4"), shard, device)
    return metrics


def test_wiring_sample_quality_reports_the_swd_of_what_it_stored_beside_fid():
    """A wiring test, not an oracle: the value is recomputed with the same function from
    the object's own stored images (the distance itself is checked against closed forms
    and known orderings above)."""
    metrics = quality()
    results = metrics.compute()
    assert {"fid", "kid", "swd", "swd_24", "swd_12"} <= set(results)
    swd = metrics.metrics["swd"]
    generated = swd.generated.compute().reshape(-1, 1, 24, 24)
    assert len(generated) == 200 and len(swd.reference) == 200
    direct = sliced_wasserstein_pyramid(
        swd.reference, generated, patches_per_image=16, projections=32, seed=0
    )
    assert results["swd"] == direct["swd"] > 0
    metrics.reset_generated()
    assert swd.generated.update_count == 0


def test_without_a_feature_network_swd_and_invariance_remain_and_fid_is_not_made_up():
    """``metrics.features: none``: the same SWD and orbit distance, no FID/KID keys at all."""
    with_fid, without = quality().compute(), quality(features="none").compute()
    assert not {"fid", "kid", "kid_std"} & set(without)
    assert without["swd"] == with_fid["swd"] > 0
    assert without["fid_orbit"] == with_fid["fid_orbit"]
    assert without["samples_reference"] == with_fid["samples_reference"] == 270  # val digits
    assert build_features("none", torch.zeros(2, 3, 32, 32)) == (None, "none")


def test_shards_gather_into_the_single_process_images():
    """What torchmetrics' cat-gather does under DDP: rank order gives one process's images."""
    whole = quality().metrics["swd"].generated.compute()
    shards = [quality((rank, 2)).metrics["swd"].generated.compute() for rank in range(2)]
    assert torch.equal(torch.cat(shards), whole)


def test_swd_can_be_turned_off_and_skips_what_is_not_an_image():
    assert "swd" not in quality(swd=False).compute()
    config = MetricsConfig(num_samples=20, kid_subset_size=5, cache_dir="")
    for data in (torch.rand(20, 2), torch.rand(20, 1, 8, 8, 8)):  # points, voxel grids
        metrics = SampleQuality(config, CoarsePixels(1, 3) if data.dim() == 5 else Flat(), "f")
        metrics.add_reference(data, (0, 1), torch.device("cpu"))
        assert "swd" not in metrics.metrics


class Flat(torch.nn.Module):
    num_features = 2

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.flatten(1)
