"""Each network says in one line which groups and data it takes, before building anything."""

from __future__ import annotations

import re

import pytest
import torch

from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    InvariantDiscriminator,
)
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.nn.mlp import MLPGenerator
from ginv_lightning.nn.residual import (
    ResidualCNNDiscriminator,
    ResidualEquivariantGenerator,
    ResidualInvariantDiscriminator,
)
from ginv_lightning.shapes import DataKind, ImageShape, VectorShape
from ginv_lightning.symmetry import resolve_group
from ginv_lightning.symmetry.contract import GroupAction


class Pairs:
    """A kind of data from outside the core: pairs of points of R^2, shape (2, 2)."""

    classes = 0
    array_key = "pairs"
    space_dims = 2
    sample_shape = (2, 2)

    def describe(self):
        return "pairs of points of R^2"

    def save_picture(self, samples, path, per_row=None):
        raise NotImplementedError


class Mirror(GroupAction):
    """Left-right mirror of images in plain torch: a group with no escnn gspace."""

    name = "Mirror"
    generator = "ginv_lightning.nn.CNNGenerator"
    discriminator = "ginv_lightning.nn.CNNDiscriminator"
    order, identity = 2, 0

    def elements(self):
        return [0, 1]

    def sample(self, n, generator=None):
        return torch.randint(2, (n,), generator=generator).tolist()

    def compose(self, g, h):
        return (g + h) % 2

    def act(self, g, x):
        return x.flip(-1) if g else x

    def check_data(self, shape):
        if not isinstance(shape, ImageShape):
            raise ValueError("Mirror flips images")

    def example_data(self, n, generator):
        return torch.randn(n, 1, 8, 8, generator=generator)


IMAGES = ImageShape(1, 32)


@pytest.mark.parametrize(
    ("network", "shape"),
    [
        (EquivariantGenerator, IMAGES),
        (InvariantDiscriminator, IMAGES),
        (ResidualEquivariantGenerator, IMAGES),
        (ResidualInvariantDiscriminator, IMAGES),
        (EquivariantMLPGenerator, VectorShape(2)),
        (InvariantMLPDiscriminator, VectorShape(2)),
    ],
)
def test_escnn_networks_refuse_a_group_without_a_gspace_and_name_its_own(network, shape):
    with pytest.raises(ValueError) as caught:
        network(Mirror(), shape)
    assert str(caught.value) == (
        "this network needs an escnn group (its grid, its fields), and Mirror is not one; use "
        "the networks made for it, ginv_lightning.nn.CNNGenerator and "
        "ginv_lightning.nn.CNNDiscriminator"
    )


def test_plain_cnns_take_any_group_that_moves_images():
    generator = CNNGenerator(Mirror(), IMAGES, widths=(8, 4))
    discriminator = ResidualCNNDiscriminator(Mirror(), IMAGES, widths=(4, 8))
    images = generator(generator.sample_latent(3))
    assert images.shape == (3, 1, 32, 32) and discriminator(images).shape == (3,)


@pytest.mark.parametrize("network", [CNNGenerator, CNNDiscriminator, InvariantDiscriminator])
@pytest.mark.parametrize("shape", [VectorShape(2), Pairs()])
def test_convolutional_networks_refuse_points_and_sets(network, shape):
    expected = f"take images or voxel grids, but the data are {shape.describe()};"
    with pytest.raises(ValueError, match=re.escape(expected)):
        network(resolve_group("C4"), shape)


def test_mlps_refuse_images():
    with pytest.raises(ValueError, match="MLP networks take vector data"):
        MLPGenerator(resolve_group("C4"), IMAGES)


@pytest.mark.parametrize("network", [CNNGenerator, ResidualCNNDiscriminator, EquivariantGenerator])
def test_grids_of_another_dimension_than_the_group_are_refused(network):
    expected = "C4 acts on 2-D space, but the data are 1-channel 16x16x16 grids"
    with pytest.raises(ValueError, match=expected):
        network(resolve_group("C4"), ImageShape(1, 16, dims=3))


def test_a_kind_of_data_from_outside_the_core_reaches_the_plain_mlps():
    """The core picks no data kind by class: a plugin's kind with the DataKind methods works."""
    pairs = Pairs()
    assert isinstance(pairs, DataKind)
    generator = MLPGenerator(resolve_group("C4"), pairs, widths=[8], latent_dim=3)
    assert generator(generator.sample_latent(5)).shape == (5, 2, 2)
    with pytest.raises(ValueError, match="which pairs of points of R\\^2 have none of"):
        MLPGenerator(resolve_group("C4"), pairs, widths=[8], match="params")
