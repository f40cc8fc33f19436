"""Residual networks: exact symmetry, spectral normalisation, matched baselines, export."""

from __future__ import annotations

import pytest
import torch
from escnn import nn as enn

from ginv_lightning.nn import (
    ImageShape,
    ResidualCNNDiscriminator,
    ResidualCNNGenerator,
    ResidualEquivariantGenerator,
    ResidualInvariantDiscriminator,
    count_parameters,
)
from ginv_lightning.nn.layers import SpectralR2Conv
from ginv_lightning.symmetry import resolve_group

RGB = ImageShape(channels=3, size=32)


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


def _trained_batch_norm(generator):
    generator.train()
    with torch.no_grad():
        for _ in range(2):
            generator(generator.sample_latent(8).to(next(generator.parameters()).dtype))
    return generator.eval()


@pytest.mark.parametrize("spec", ["C4", "D4"])
@pytest.mark.parametrize("spectral_norm", [False, True])
def test_discriminator_is_invariant_for_every_element(spec, spectral_norm):
    symmetry = resolve_group(spec)
    discriminator = ResidualInvariantDiscriminator(
        symmetry, RGB, widths=[2, 3, 3], spectral_norm=spectral_norm
    ).double()
    x = torch.randn(3, 3, 32, 32, dtype=torch.float64)
    discriminator(x)  # a training pass: a power-iteration step with spectral_norm
    discriminator.eval()
    with torch.no_grad():
        reference = discriminator(x)
        for g in symmetry.elements():
            error = relative_error(discriminator(symmetry.act(g, x)), reference)
            assert error <= 1e-5, (str(g), error)


@pytest.mark.parametrize(("spec", "size"), [("C4", 32), ("D4", 32), ("D4", 64)])
def test_generator_is_equivariant_for_every_element(spec, size):
    symmetry = resolve_group(spec)
    widths = [3, 2, 2] if size == 32 else [2, 2, 2, 1]
    generator = ResidualEquivariantGenerator(
        symmetry, ImageShape(3, size), widths=widths, latent_fields=2
    ).double()
    _trained_batch_norm(generator)
    z = generator.sample_latent(3).double()
    with torch.no_grad():
        images = generator(z)
        assert images.shape == (3, 3, size, size)
        for g in symmetry.elements():
            moved = generator(symmetry.act_fields(g, z, generator.latent_type))
            error = relative_error(moved, symmetry.act(g, images))
            assert error <= 1e-5, (str(g), error)


def test_spectral_norm_normalises_the_expanded_filter():
    """After some power iterations the expanded filter's largest singular value is 1."""
    torch.manual_seed(0)
    symmetry = resolve_group("D4")
    discriminator = ResidualInvariantDiscriminator(symmetry, RGB, widths=[2, 3], spectral_norm=True)
    convolutions = [m for m in discriminator.modules() if isinstance(m, SpectralR2Conv)]
    assert len(convolutions) == 6  # two 3x3 and a 1x1 skip per block
    x = torch.randn(2, 3, 32, 32)
    for _ in range(30):
        discriminator(x)
    for convolution in convolutions:
        with torch.no_grad():
            weight, _ = convolution.expand_parameters()
        assert abs(float(torch.linalg.matrix_norm(weight.flatten(1), 2)) - 1) < 1e-3
    u = convolutions[0].spectral_u.clone()
    discriminator.eval()  # switching to eval caches the filter without iterating
    discriminator(x)
    assert torch.equal(convolutions[0].spectral_u, u)


@pytest.mark.parametrize("spec", ["C4", "D4"])
def test_parameter_matched_pairs_are_within_ten_percent(spec):
    symmetry = resolve_group(spec)
    pairs = [
        (
            ResidualEquivariantGenerator(symmetry, RGB, widths=[8, 4, 2], latent_fields=4),
            ResidualCNNGenerator(symmetry, RGB, widths=[8, 4, 2], latent_dim=4, match="params"),
        ),
        (
            ResidualInvariantDiscriminator(symmetry, RGB, widths=[2, 4, 8]),
            ResidualCNNDiscriminator(symmetry, RGB, widths=[2, 4, 8], match="params"),
        ),
    ]
    for equivariant, baseline in pairs:
        ratio = count_parameters(baseline) / count_parameters(equivariant)
        assert 0.9 <= ratio <= 1.1, (type(baseline).__name__, ratio)


def _convolution_shapes(network) -> list[tuple[int, int, int]]:
    shapes = []
    for m in network.modules():
        if isinstance(m, torch.nn.Conv2d | torch.nn.ConvTranspose2d):
            shapes.append((m.in_channels, m.out_channels, m.kernel_size[0]))
        elif isinstance(m, enn.R2Conv | enn.R2ConvTransposed):
            shapes.append((m.in_type.size, m.out_type.size, m.kernel_size))
    return shapes


def test_shape_matched_baselines_have_the_same_tensor_shapes():
    symmetry = resolve_group("D4")
    generator = ResidualEquivariantGenerator(symmetry, RGB, widths=[4, 2, 2], latent_fields=3)
    cnn_generator = ResidualCNNGenerator(
        symmetry, RGB, widths=[4, 2, 2], latent_dim=3, match="shapes"
    )
    assert cnn_generator.latent_shape == generator.latent_shape
    assert _convolution_shapes(cnn_generator) == _convolution_shapes(generator)
    discriminator = ResidualInvariantDiscriminator(symmetry, RGB, widths=[2, 4, 4])
    cnn_discriminator = ResidualCNNDiscriminator(symmetry, RGB, widths=[2, 4, 4], match="shapes")
    assert _convolution_shapes(cnn_discriminator) == _convolution_shapes(discriminator)
    x = torch.randn(2, 3, 32, 32)
    assert cnn_discriminator(x).shape == discriminator(x).shape == (2,)


@pytest.mark.parametrize("spec", ["C4", "D4", "SO2"])
def test_exported_generator_gives_the_same_images(spec):
    symmetry = resolve_group(spec)
    generator = ResidualEquivariantGenerator(symmetry, RGB, widths=[3, 2, 2], latent_fields=2)
    _trained_batch_norm(generator)
    exported = generator.export()
    assert not any(isinstance(m, enn.EquivariantModule) for m in exported.modules())
    assert not generator.training
    z = generator.sample_latent(8, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert (exported(z) - generator(z)).abs().max() <= 1e-5
