"""The invariance diagnostics separate invariant models from ordinary ones."""

from __future__ import annotations

import torch

from ginv_lightning.data.rotdigits import load_digit_images, rotated_digits
from ginv_lightning.data.transforms import fit_to_canvas, to_signed
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import DigitFeatures
from ginv_lightning.metrics.quality import SampleQuality
from ginv_lightning.nn import CNNDiscriminator, Generator, ImageShape, InvariantDiscriminator
from ginv_lightning.symmetry import resolve_group

C4 = resolve_group("C4")
DEVICE = torch.device("cpu")


class Replay(Generator):
    """A stand-in generator that draws from a fixed bank of images (a known law)."""

    def __init__(self, bank: torch.Tensor) -> None:
        super().__init__()
        self.bank = bank
        self.latent_shape = (1,)

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        index = (z[:, 0].abs() * 1e6).long() % len(self.bank)
        return self.bank[index]


def orbit_fid(bank: torch.Tensor) -> float:
    quality = SampleQuality(MetricsConfig(num_samples=1000), DigitFeatures(), "digits")
    quality.add_generated(Replay(bank), C4, (0, 1), DEVICE)
    return quality.compute()["fid_orbit"].item()


def test_orbit_fid_is_small_for_an_invariant_law_and_large_for_upright_digits():
    rotated, _, _ = rotated_digits(24, seed=0)
    upright = to_signed(fit_to_canvas(load_digit_images()[0], 24, scale=0.65))
    invariant, oriented = orbit_fid(rotated), orbit_fid(upright)
    assert oriented > 10 * invariant, (invariant, oriented)


def discriminator_invariance(discriminator) -> float:
    quality = SampleQuality(MetricsConfig(), DigitFeatures(), "digits")
    real, _, _ = rotated_digits(24, seed=0)
    quality.add_discriminator_invariance(discriminator.eval(), C4, real[:128])
    return quality.compute()["d_invariance"].item()


def test_discriminator_invariance_is_zero_only_for_the_invariant_network():
    torch.manual_seed(0)
    image = ImageShape(1, 24)
    invariant = discriminator_invariance(InvariantDiscriminator(C4, image, widths=[4, 8, 16]))
    ordinary = discriminator_invariance(CNNDiscriminator(C4, image, widths=[8, 16, 32]))
    assert invariant < 1e-5
    assert ordinary > 1e-3
