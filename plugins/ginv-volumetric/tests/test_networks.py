"""ginv-lightning's networks built for the cube's groups are exactly equivariant / invariant.

Every element of both groups, in float64, relative error at most 1e-5; the
exported generator and the moving-average copy must keep working in 3-D too.
"""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.escnn_support.eval_mode import evaluating
from ginv_lightning.gan.averaging import generator_ema
from ginv_lightning.nn import (
    CNNDiscriminator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
    SymmetrizedDiscriminator,
)
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.shapes import VectorShape
from ginv_lightning.symmetry import resolve_group

GROUPS = ["octahedral", "full_octahedral"]
GRID = ImageShape(channels=1, size=8, dims=3)
TOLERANCE = 1e-5


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


@pytest.fixture(scope="module", params=GROUPS)
def networks(request):
    """A small generator and discriminators of one group (escnn builds in float32, then float64)."""
    symmetry = resolve_group(request.param)
    generator = EquivariantGenerator(symmetry, GRID, widths=[2, 1], latent_fields=1)

    def base(s, shape):
        return CNNDiscriminator(s, shape, widths=[4, 8])

    discriminators = {
        "invariant": InvariantDiscriminator(symmetry, GRID, widths=[1, 2]),
        "symmetrized": SymmetrizedDiscriminator(symmetry, GRID, base=base),
    }
    return symmetry, generator, discriminators


@pytest.mark.slow
def test_generator_is_equivariant_for_every_element(networks):
    symmetry, generator, _ = networks
    generator = generator.double().eval()
    z = generator.sample_latent(3, generator=torch.Generator().manual_seed(0)).double()
    with torch.no_grad():
        grids = generator(z)
        assert grids.shape == (3, 1, 8, 8, 8)
        for g in symmetry.elements():
            moved_noise = symmetry.act_fields(g, z, generator.latent_type)
            error = relative_error(generator(moved_noise), symmetry.act(g, grids))
            assert error <= TOLERANCE, (symmetry.element_label(g), error)


@pytest.mark.slow
def test_discriminators_are_invariant_for_every_element(networks):
    symmetry, _, discriminators = networks
    x = torch.randn(4, 1, 8, 8, 8, generator=torch.Generator().manual_seed(1), dtype=torch.float64)
    for kind, discriminator in discriminators.items():
        discriminator = discriminator.double().eval()
        with torch.no_grad():
            reference = discriminator(x)
            for g in symmetry.elements():
                error = relative_error(discriminator(symmetry.act(g, x)), reference)
                assert error <= TOLERANCE, (kind, symmetry.element_label(g), error)


@pytest.mark.slow
def test_export_and_moving_average_copy_give_the_same_grids(networks):
    _, generator, _ = networks
    generator = generator.float().train()
    ema = generator_ema(generator, decay=0.5)
    z = generator.sample_latent(2, generator=torch.Generator().manual_seed(2))
    with evaluating(generator), evaluating(ema.module):
        reference = generator(z)
        assert torch.allclose(ema.module(z), reference, atol=1e-6)
        assert torch.allclose(generator.export()(z), reference, atol=1e-5)
    assert ema.module.net[0].in_type is generator.net[0].in_type  # escnn types are shared


@pytest.mark.parametrize("name", GROUPS)
def test_mlps_on_points_of_r3_are_equivariant_and_invariant(name):
    """The core's vector-data networks take the plugin's groups: points move by 3-D rotations."""
    symmetry = resolve_group(name)
    generator = EquivariantMLPGenerator(symmetry, VectorShape(3), [3, 2], 2).double().eval()
    discriminator = InvariantMLPDiscriminator(symmetry, VectorShape(3), [3, 2]).double().eval()
    z = generator.sample_latent(6).double()
    x = torch.randn(6, 3, dtype=torch.float64)
    with torch.no_grad():
        points, scores = generator(z), discriminator(x)
        for g in symmetry.elements():
            moved = generator(symmetry.act_fields(g, z, generator.latent_type))
            assert relative_error(moved, symmetry.act(g, points)) <= TOLERANCE, str(g)
            assert relative_error(discriminator(symmetry.act(g, x)), scores) <= TOLERANCE, str(g)
