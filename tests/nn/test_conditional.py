"""Class-conditional networks stay exactly equivariant / invariant, for every element and class."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
    ResidualEquivariantGenerator,
    ResidualInvariantDiscriminator,
    SymmetrizedDiscriminator,
    SymmetrizedGenerator,
    VectorShape,
    count_parameters,
)
from ginv_lightning.nn.equivariant_mlp import EquivariantMLPGenerator, InvariantMLPDiscriminator
from ginv_lightning.nn.mlp import MLPDiscriminator, MLPGenerator
from ginv_lightning.symmetry import resolve_group
from tests.nn.test_equivariance import relative_error

CLASSES = 10
EVERY_CLASS = torch.arange(CLASSES).repeat_interleave(2)  # two samples of each class


def generators(symmetry, shape):
    return {
        "equivariant": EquivariantGenerator(symmetry, shape, widths=[4, 3, 2], latent_fields=3),
        "residual": ResidualEquivariantGenerator(
            symmetry, shape, widths=[3, 2, 2], latent_fields=2
        ),
    }


def discriminators(symmetry, shape):
    def base(s, i):
        return CNNDiscriminator(s, i, widths=[4, 8])

    return {
        "invariant": InvariantDiscriminator(symmetry, shape, widths=[2, 3, 4]),
        "residual": ResidualInvariantDiscriminator(
            symmetry, shape, widths=[2, 3, 4], spectral_norm=True
        ),
        "symmetrized": SymmetrizedDiscriminator(symmetry, shape, base=base),
    }


@pytest.mark.parametrize(("spec", "channels"), [("C4", 1), ("D4", 1), ("D4", 3)])
def test_conditional_generators_are_equivariant_for_every_element_and_class(spec, channels):
    symmetry = resolve_group(spec)
    shape = ImageShape(channels, 16, classes=CLASSES)
    for kind, generator in generators(symmetry, shape).items():
        generator = generator.double().eval()
        z = generator.sample_latent(len(EVERY_CLASS)).double()
        with torch.no_grad():
            images = generator(z, EVERY_CLASS)
            for g in symmetry.elements():
                moved = generator(symmetry.act_fields(g, z, generator.latent_type), EVERY_CLASS)
                error = relative_error(moved, symmetry.act(g, images))
                assert error <= 1e-5, (kind, str(g), error)
            other = generator(z, (EVERY_CLASS + 1) % CLASSES)
            assert relative_error(other, images) > 1e-3, kind  # the label changes the image


@pytest.mark.parametrize(("spec", "channels"), [("C4", 1), ("D4", 1), ("D4", 3)])
def test_conditional_discriminators_are_invariant_for_every_element_and_class(spec, channels):
    symmetry = resolve_group(spec)
    shape = ImageShape(channels, 16, classes=CLASSES)
    x = torch.randn(len(EVERY_CLASS), channels, 16, 16, dtype=torch.float64)
    for kind, discriminator in discriminators(symmetry, shape).items():
        discriminator = discriminator.double().eval()
        with torch.no_grad():
            scores = discriminator(x, EVERY_CLASS)
            for g in symmetry.elements():
                error = relative_error(discriminator(symmetry.act(g, x), EVERY_CLASS), scores)
                assert error <= 1e-5, (kind, str(g), error)
            other = discriminator(x, (EVERY_CLASS + 3) % CLASSES)
            assert relative_error(other, scores) > 1e-3, kind  # the projection reads the label


@pytest.mark.parametrize("spec", ["C4", "D4"])
def test_conditional_vector_networks_are_exact_for_every_element_and_class(spec):
    symmetry = resolve_group(spec)
    shape = VectorShape(2, classes=CLASSES)
    generator = EquivariantMLPGenerator(symmetry, shape, widths=[4, 4], latent_fields=2)
    discriminator = InvariantMLPDiscriminator(symmetry, shape, widths=[4, 4])
    generator, discriminator = generator.double().eval(), discriminator.double().eval()
    z = generator.sample_latent(len(EVERY_CLASS)).double()
    x = torch.randn(len(EVERY_CLASS), 2, dtype=torch.float64)
    with torch.no_grad():
        points, scores = generator(z, EVERY_CLASS), discriminator(x, EVERY_CLASS)
        for g in symmetry.elements():
            moved = generator(symmetry.act_fields(g, z, generator.latent_type), EVERY_CLASS)
            assert relative_error(moved, symmetry.act(g, points)) <= 1e-6, str(g)
            assert relative_error(discriminator(symmetry.act(g, x), EVERY_CLASS), scores) <= 1e-6


def test_symmetrized_generator_passes_labels_and_its_law_is_invariant():
    """Its output law, measured: one noise and label drawn 2,000 times lands on each of
    the base image's four turns (found with ``C4.act``, not the generator's own draws)
    about a quarter of the time. A generator that forgot to move its outputs puts
    every draw on the identity and fails; so would one that always turned the same way.
    """
    c4 = resolve_group("C4")
    shape = ImageShape(1, 16, classes=CLASSES)
    generator = SymmetrizedGenerator(c4, shape, lambda s, i: CNNGenerator(s, i, widths=[4, 2]))
    draws = 2000
    torch.manual_seed(0)
    z = generator.sample_latent(1).expand(draws, *generator.latent_shape)
    labels = torch.full((draws,), 3)
    with torch.no_grad():
        generator.eval()
        base = generator.base(z[:1], labels[:1])
        images = generator(z, labels)
    turns = torch.stack([c4.act(g, base)[0] for g in c4.elements()])  # (4, 1, 16, 16)
    distances = (images[:, None] - turns[None]).flatten(2).abs().amax(-1)  # (draws, 4)
    assert bool((distances.amin(1) < 1e-6).all())  # every draw is one of the turns
    frequencies = torch.bincount(distances.argmin(1), minlength=4) / draws
    assert bool(((frequencies - 0.25).abs() < 0.04).all()), frequencies  # 4 sd of 0.0097
    assert generator.classes == CLASSES


def test_parameter_matching_counts_the_conditional_parts():
    c4 = resolve_group("C4")
    for shape in (ImageShape(1, 24), ImageShape(1, 24, classes=CLASSES)):
        equivariant = EquivariantGenerator(c4, shape, widths=[24, 12, 6], latent_fields=8)
        cnn = CNNGenerator(c4, shape, widths=[24, 12, 6], latent_dim=8, match="params")
        invariant = InvariantDiscriminator(c4, shape, widths=[6, 12, 24])
        plain = CNNDiscriminator(c4, shape, widths=[6, 12, 24], match="params")
        for ours, theirs in ((equivariant, cnn), (invariant, plain)):
            assert abs(count_parameters(theirs) / count_parameters(ours) - 1) <= 0.10
    assert count_parameters(equivariant) > count_parameters(
        EquivariantGenerator(c4, ImageShape(1, 24), widths=[24, 12, 6], latent_fields=8)
    )


def test_plain_vector_baselines_take_labels_too():
    c4 = resolve_group("C4")
    shape = VectorShape(2, classes=3)
    labels = torch.tensor([0, 1, 2, 2])
    generator, discriminator = MLPGenerator(c4, shape), MLPDiscriminator(c4, shape)
    points = generator(generator.sample_latent(4), labels)
    assert points.shape == (4, 2) and discriminator(points, labels).shape == (4,)


def test_unconditional_networks_are_unchanged_and_refuse_labels():
    c4 = resolve_group("C4")
    shape = ImageShape(1, 16)
    discriminator = InvariantDiscriminator(c4, shape, widths=[2, 3, 4])
    assert {k for k in discriminator.state_dict() if k.startswith("head")} == {
        "head.weight", "head.bias"}  # fmt: skip
    generator = EquivariantGenerator(c4, shape, widths=[4, 3, 2], latent_fields=3)
    assert generator.classes == 0 and generator.input_type == generator.latent_type
    with pytest.raises(ValueError, match="not class-conditional"):
        discriminator(torch.randn(2, 1, 16, 16), torch.tensor([0, 1]))


def test_label_errors_name_the_range():
    c4 = resolve_group("C4")
    shape = ImageShape(1, 16, classes=CLASSES)
    generator = EquivariantGenerator(c4, shape, widths=[4, 3, 2], latent_fields=3)
    z = generator.sample_latent(2)
    with pytest.raises(ValueError, match=r"label 10 is outside \[0, 10\)"):
        generator(z, torch.tensor([3, 10]))
    with pytest.raises(ValueError, match="class-conditional: give labels"):
        generator(z)


def test_exported_conditional_generator_matches():
    d4 = resolve_group("D4")
    generator = EquivariantGenerator(d4, ImageShape(3, 16, classes=CLASSES), widths=[4, 3, 2],
                                     latent_fields=3).eval()  # fmt: skip
    exported = generator.export()
    z = generator.sample_latent(len(EVERY_CLASS))
    with torch.no_grad():
        assert (exported(z, EVERY_CLASS) - generator(z, EVERY_CLASS)).abs().max() <= 1e-5
