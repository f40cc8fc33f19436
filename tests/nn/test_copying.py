"""Copies of escnn networks (moving averages, exports) keep escnn's types and work in 3-D."""

from __future__ import annotations

import pytest
import torch
from escnn import gspaces

from ginv_lightning.gan.averaging import evaluating, generator_ema
from ginv_lightning.nn import EquivariantGenerator, ImageShape
from ginv_lightning.nn.copying import copy_network
from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.base import Symmetry


@pytest.fixture(scope="module")
def cube_generator() -> EquivariantGenerator:
    """A small generator for escnn's rotation group of the cube, on 8^3 voxel grids."""
    symmetry = Symmetry("cube rotations", gspaces.octaOnR3())
    return EquivariantGenerator(symmetry, ImageShape(1, 8), widths=[2, 1], latent_fields=1).train()


@pytest.mark.slow
def test_copies_of_an_octahedral_network_share_escnn_types_and_compute_the_same(cube_generator):
    # (a plain copy.deepcopy fails here in a fresh process; see nn/copying.py)
    copied = copy_network(cube_generator)
    assert copied.net[0].in_type is cube_generator.net[0].in_type
    assert copied.net[0].weights is not cube_generator.net[0].weights
    z = cube_generator.sample_latent(2, generator=torch.Generator().manual_seed(0))
    with evaluating(copied), evaluating(cube_generator):
        assert torch.equal(copied(z), cube_generator(z))


@pytest.mark.slow
def test_moving_average_and_export_of_a_3d_generator(cube_generator):
    ema = generator_ema(cube_generator, decay=0.9)
    ema.update_parameters(cube_generator)
    z = cube_generator.sample_latent(3, generator=torch.Generator().manual_seed(1))
    with evaluating(ema.module) as sampler, evaluating(cube_generator):
        grids = sampler(z)
        assert grids.shape == (3, 1, 8, 8, 8)
        assert torch.allclose(cube_generator.export()(z), cube_generator(z), atol=1e-5)


def test_copies_do_not_leak_shared_deepcopy_into_escnn():
    from escnn.group import Group

    copy_network(torch.nn.Linear(2, 2))
    assert "__deepcopy__" not in vars(Group)


def test_coarsest_grid_too_small_for_steerable_kernels_is_refused_clearly():
    with pytest.raises(ValueError, match=r"leaves a 2-wide coarsest grid.*at least 3"):
        EquivariantGenerator(resolve_group("C4"), ImageShape(1, 8), widths=[2, 2, 2])
