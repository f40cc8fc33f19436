"""Networks on points of R^2: the group acts by its base-space representation, exactly."""

from __future__ import annotations

import math

import pytest
import torch

from ginv_lightning.gan.augment import GroupAugment
from ginv_lightning.nn import SymmetrizedDiscriminator, SymmetrizedGenerator, count_parameters
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.shapes import ImageShape, VectorShape
from ginv_lightning.symmetry import resolve_group

POINTS = VectorShape(2)
# Rotations by multiples of 90 degrees have entries 0 and +-1: exact. C8's matrices hold
# cos(45 deg), and escnn builds the networks' bases in float32 before .double(), so
# its equivariance holds to float32 rounding of the basis: measured 8e-8, bound 1e-5.
TOLERANCE = {"C1": 1e-12, "C2": 1e-12, "C4": 1e-12, "D4": 1e-12, "C8": 1e-5}


def networks(symmetry):
    generator = EquivariantMLPGenerator(symmetry, POINTS, widths=[5, 4], latent_fields=3)
    discriminator = InvariantMLPDiscriminator(symmetry, POINTS, widths=[5, 4])
    return generator.double().eval(), discriminator.double().eval()


@pytest.mark.parametrize("spec", ["C1", "C2", "C4", "C8", "D4"])
def test_points_move_by_the_base_space_rotation(spec):
    symmetry = resolve_group(spec)
    x = torch.randn(6, 2, dtype=torch.float64)
    for g in symmetry.elements():
        matrix = torch.as_tensor(symmetry.gspace.basespace_action(g))
        assert torch.allclose(symmetry.act(g, x), x @ matrix.T, atol=1e-15)
        moved = symmetry.act_each([g, symmetry.group.identity] * 3, x)
        assert torch.allclose(moved[0::2], x[0::2] @ matrix.T, atol=1e-15)
        assert torch.equal(moved[1::2], x[1::2])
    if spec.startswith("C"):
        order = symmetry.order
        generator_element = symmetry.elements()[1] if order > 1 else symmetry.group.identity
        angle = 2 * math.pi / order
        rotation = torch.tensor(
            [[math.cos(angle), -math.sin(angle)], [math.sin(angle), math.cos(angle)]],
            dtype=torch.float64,
        )
        assert torch.allclose(symmetry.act(generator_element, x), x @ rotation.T, atol=1e-12)


def test_points_of_the_wrong_dimension_are_refused():
    with pytest.raises(ValueError, match="R\\^2"):
        resolve_group("C4").act(resolve_group("C4").elements()[1], torch.randn(3, 3))


@pytest.mark.parametrize("spec", ["C1", "C2", "C4", "C8", "D4"])
def test_mlp_generator_is_equivariant_and_discriminator_invariant(spec):
    symmetry = resolve_group(spec)
    generator, discriminator = networks(symmetry)
    z = generator.sample_latent(8).double()
    x = torch.randn(8, 2, dtype=torch.float64)
    with torch.no_grad():
        points, scores = generator(z), discriminator(x)
        for g in symmetry.elements():
            moved_noise = symmetry.act_fields(g, z, generator.latent_type)
            error = (generator(moved_noise) - symmetry.act(g, points)).abs().max()
            assert error <= TOLERANCE[spec] * points.abs().max(), (str(g), float(error))
            error = (discriminator(symmetry.act(g, x)) - scores).abs().max()
            assert error <= TOLERANCE[spec] * scores.abs().max(), (str(g), float(error))


def test_generated_points_are_not_fixed_but_their_law_is_invariant():
    """Regular-field noise: no point is its own rotation, the cloud of points is C4-symmetric."""
    symmetry = resolve_group("C4")
    generator = EquivariantMLPGenerator(symmetry, POINTS, widths=[8, 8], latent_fields=2).eval()
    torch.manual_seed(0)
    with torch.no_grad():
        points = generator(generator.sample_latent(20_000)).double()
    quarter = symmetry.elements()[1]
    assert float((points - symmetry.act(quarter, points)).norm(dim=1).median()) > 0.3 * float(
        points.norm(dim=1).median()
    )
    # E[x], E[x x^T] are invariant for a C4-invariant law: mean ~ 0, covariance ~ c I.
    scale = float(points.norm(dim=1).pow(2).mean())
    covariance = torch.cov(points.T) / scale
    assert float(points.mean(0).norm()) < 4 * math.sqrt(scale / len(points))
    assert abs(float(covariance[0, 0] - covariance[1, 1])) < 0.05
    assert abs(float(covariance[0, 1])) < 0.05


@pytest.mark.parametrize("spec", ["C2", "C4", "C8"])
def test_symmetrized_operators_and_augmentation_work_on_points(spec):
    symmetry = resolve_group(spec)
    generator = SymmetrizedGenerator(symmetry, POINTS, base=MLPGenerator).double().eval()
    discriminator = SymmetrizedDiscriminator(symmetry, POINTS, base=MLPDiscriminator)
    discriminator = discriminator.double().eval()
    x = torch.randn(16, 2, dtype=torch.float64)
    with torch.no_grad():
        scores = discriminator(x)
        for g in symmetry.elements():
            assert torch.allclose(discriminator(symmetry.act(g, x)), scores, atol=1e-10)
        torch.manual_seed(0)
        base = generator.base(generator.sample_latent(64).double())
        torch.manual_seed(0)
        out = generator(generator.sample_latent(64).double())
    # each output is its base point moved by some group element
    orbit = torch.stack([symmetry.act(g, base) for g in symmetry.elements()])
    assert float((orbit - out).norm(dim=-1).min(dim=0).values.max()) < 1e-10
    augmented = GroupAugment(symmetry)(x)
    assert torch.allclose(augmented.norm(dim=1), x.norm(dim=1))


@pytest.mark.parametrize("spec", ["C2", "C4", "C8"])
def test_parameter_matched_mlps_are_within_ten_percent(spec):
    symmetry = resolve_group(spec)
    pairs = [
        (
            EquivariantMLPGenerator(symmetry, POINTS, widths=[16, 16, 16], latent_fields=4),
            MLPGenerator(symmetry, POINTS, widths=[16, 16, 16], latent_dim=4, match="params"),
        ),
        (
            InvariantMLPDiscriminator(symmetry, POINTS, widths=[16, 16, 16]),
            MLPDiscriminator(symmetry, POINTS, widths=[16, 16, 16], match="params"),
        ),
    ]
    for equivariant, plain in pairs:
        ratio = count_parameters(plain) / count_parameters(equivariant)
        assert 0.9 <= ratio <= 1.1, (type(plain).__name__, ratio)
    assert pairs[0][1].latent_shape == pairs[0][0].latent_shape


def test_exported_mlp_generator_gives_the_same_points():
    symmetry = resolve_group("C4")
    generator, _ = networks(symmetry)
    exported = generator.export()
    z = generator.sample_latent(5).double()
    with torch.no_grad():
        assert torch.allclose(exported(z), generator(z), atol=1e-12)


def test_mlps_refuse_images_and_convolutional_shapes_stay_images():
    symmetry = resolve_group("C4")
    with pytest.raises(ValueError, match="vector data"):
        MLPGenerator(symmetry, ImageShape(1, 16))
    with pytest.raises(ValueError, match="vector data"):
        InvariantMLPDiscriminator(symmetry, ImageShape(1, 16))
