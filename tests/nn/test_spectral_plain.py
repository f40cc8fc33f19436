"""Spectral normalisation on the plain-layout networks (the anchors' recipe).

Exact symmetry is kept on every element; the transposed steerable convolution's
filter is normalised; the baselines keep their parameter counts; the generator's
moving average copies the power iteration's vectors (else it would divide by a
norm estimated with its random start vectors).
"""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.gan.averaging import generator_ema, update_ema
from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
    count_parameters,
)
from ginv_lightning.nn.layers import SpectralR2Conv, SpectralR2ConvTransposed
from ginv_lightning.symmetry import resolve_group

RGB = ImageShape(channels=3, size=16)


def _relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


@pytest.mark.parametrize("spec", ["C4", "D4"])
def test_spectrally_normalised_networks_keep_exact_symmetry(spec):
    symmetry = resolve_group(spec)
    generator = EquivariantGenerator(
        symmetry, RGB, widths=[3, 2], latent_fields=2, spectral_norm=True
    ).double()
    discriminator = InvariantDiscriminator(
        symmetry, RGB, widths=[2, 3], spectral_norm=True
    ).double()
    z = generator.sample_latent(3).double()
    x = torch.randn(3, 3, 16, 16, dtype=torch.float64)
    generator(z), discriminator(x)  # training passes: a power-iteration step each
    generator.eval(), discriminator.eval()
    with torch.no_grad():
        images, scores = generator(z), discriminator(x)
        for g in symmetry.elements():
            moved = generator(symmetry.act_fields(g, z, generator.latent_type))
            assert _relative_error(moved, symmetry.act(g, images)) <= 1e-5, str(g)
            assert _relative_error(discriminator(symmetry.act(g, x)), scores) <= 1e-5, str(g)


def test_the_transposed_steerable_filter_is_normalised():
    torch.manual_seed(0)
    generator = EquivariantGenerator(
        resolve_group("D4"), RGB, widths=[3, 2], latent_fields=2, spectral_norm=True
    )
    (first,) = [m for m in generator.modules() if isinstance(m, SpectralR2ConvTransposed)]
    z = generator.sample_latent(4)
    for _ in range(100):  # close singular values: the iteration converges slowly
        generator(z)
    with torch.no_grad():
        weight, _ = first.expand_parameters()
    norm = torch.linalg.matrix_norm(weight.transpose(0, 1).flatten(1), 2)
    assert abs(float(norm) - 1) < 1e-3


def test_plain_baselines_keep_their_parameter_counts():
    symmetry = resolve_group("D4")
    for build, options in (
        (CNNGenerator, {"widths": [3, 2], "latent_dim": 2, "match": "params"}),
        (CNNDiscriminator, {"widths": [2, 3], "match": "params"}),
    ):
        plain = build(symmetry, RGB, **options)
        normalised = build(symmetry, RGB, spectral_norm=True, **options)
        assert count_parameters(normalised) == count_parameters(plain)
        assert sum("parametrizations" in name for name, _ in normalised.named_parameters())


@pytest.mark.parametrize("plain", [False, True])
def test_the_moving_average_copies_the_power_iteration(plain):
    symmetry = resolve_group("C4")
    generator = (
        CNNGenerator(symmetry, RGB, widths=[3, 2], latent_dim=2, spectral_norm=True)
        if plain
        else EquivariantGenerator(symmetry, RGB, widths=[3, 2], latent_fields=2, spectral_norm=True)
    )
    ema = generator_ema(generator, decay=0.0)  # decay 0: the average is the generator
    z = generator.sample_latent(4)
    for _ in range(5):
        generator(z)
    update_ema(ema, generator)
    generator.eval(), ema.module.eval()
    with torch.no_grad():
        assert torch.allclose(ema.module(z), generator(z), atol=1e-6)


@pytest.mark.parametrize("transposed", [False, True])
def test_the_estimate_starts_converged(transposed):
    """Before any step (an untrained copy in eval mode, e.g. the moving average's first
    samples) the filter is already divided by about its largest singular value; with
    random start vectors alone it was divided by a random, possibly negative number."""
    torch.manual_seed(0)
    generator = EquivariantGenerator(
        resolve_group("D4"), RGB, widths=[3, 2], latent_fields=2, spectral_norm=True
    )
    kind = SpectralR2ConvTransposed if transposed else SpectralR2Conv
    layer = next(m for m in generator.modules() if type(m) is kind)
    layer.eval()
    weight = layer.filter
    matrix = (weight.transpose(0, 1) if transposed else weight).flatten(1)
    assert abs(float(torch.linalg.matrix_norm(matrix, 2)) - 1) < 0.05
