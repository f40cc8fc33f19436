"""The networks are what they claim: equivariant generators, invariant discriminators."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torchvision.transforms.functional import gaussian_blur

from ginv_lightning.nn import (
    CNNDiscriminator,
    CNNGenerator,
    EquivariantGenerator,
    ImageShape,
    InvariantDiscriminator,
    SymmetrizedDiscriminator,
    SymmetrizedGenerator,
)
from ginv_lightning.symmetry import resolve_group
from tests.symmetry.test_action import smooth_images

EXACT_GROUPS = ["C1", "C2", "C4", "D1", "flip", "D2", "D4"]
IMAGE = ImageShape(channels=1, size=16)


def small_generator(symmetry, image=IMAGE):
    return EquivariantGenerator(symmetry, image, widths=[6, 4, 2], latent_fields=3).double().eval()


def small_discriminators(symmetry, image=IMAGE):
    def base(s, i):
        return CNNDiscriminator(s, i, widths=[4, 8])

    return {
        "invariant": InvariantDiscriminator(symmetry, image, widths=[2, 3, 4]).double().eval(),
        "symmetrized": SymmetrizedDiscriminator(symmetry, image, base=base).double().eval(),
    }


def relative_error(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max() / b.abs().max())


# Colour images are C scalar fields: every element must act on all channels alike.
CASES = [(spec, 1) for spec in EXACT_GROUPS] + [("C4", 3), ("D4", 3)]


@pytest.mark.parametrize(("spec", "channels"), CASES)
def test_discriminators_are_invariant_for_every_element(spec, channels):
    symmetry = resolve_group(spec)
    image = ImageShape(channels, 16)
    x = torch.randn(4, channels, 16, 16, dtype=torch.float64)
    for kind, discriminator in small_discriminators(symmetry, image).items():
        with torch.no_grad():
            reference = discriminator(x)
            for g in symmetry.elements():
                error = relative_error(discriminator(symmetry.act(g, x)), reference)
                assert error <= 1e-5, (kind, str(g), error)


@pytest.mark.parametrize(("spec", "channels"), CASES)
def test_generator_is_equivariant_for_every_element(spec, channels):
    symmetry = resolve_group(spec)
    generator = small_generator(symmetry, ImageShape(channels, 16))
    z = generator.sample_latent(4).double()
    with torch.no_grad():
        images = generator(z)
        assert images.shape == (4, channels, 16, 16)
        for g in symmetry.elements():
            moved_noise = symmetry.act_fields(g, z, generator.latent_type)
            error = relative_error(generator(moved_noise), symmetry.act(g, images))
            assert error <= 1e-5, (str(g), error)


@pytest.mark.parametrize("spec", ["C4", "D4", "flip"])
def test_escnn_check_equivariance_passes(spec):
    symmetry = resolve_group(spec)
    generator = EquivariantGenerator(symmetry, IMAGE, widths=[4, 2, 2], latent_fields=2)
    # escnn checks on 10x10 inputs: two stages keep the 2x2 pooling on an even grid
    discriminator = InvariantDiscriminator(symmetry, IMAGE, widths=[2, 2])
    default = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)  # escnn's check transforms its input in float64
    try:
        for network in (generator.net, discriminator.net):
            errors = network.double().eval().check_equivariance(atol=1e-6, rtol=1e-5)
            assert len(errors) == 20 and max(error for _, error in errors) < 1e-6
    finally:
        torch.set_default_dtype(default)


# Interpolated actions (rotations by other than multiples of 90 degrees) are
# equivariant only up to discretisation: 3x3 steerable kernels and bilinear
# resampling of the image. Measured at random initialisation on 32-px images:
# discriminator scores of smooth images move by at most 9% (C8), 0.2% (SO2), 2%
# (O2) of their mean magnitude (five seeds). Elements that map the grid to itself
# stay exact (1e-5). A same-shape plain CNN's scores move by less than 1% on these
# smooth images too, so this bound does not tell an invariant network from an
# ordinary one (nor did relative measures tried on oriented gratings); it only
# guards against a gross break. The test after it measures invariance where a CNN
# does fail: how well a discriminator can learn to see a turn.
DISCRIMINATOR_TOLERANCE = 0.15
# Generator outputs (rough at initialisation) are compared after a 3-px Gaussian
# blur, relative to the blurred distance between two different samples: at most
# 0.55 (C8), 0.17 (SO2), 0.24 (O2) over seeds 0-4, where an output that does not
# move at all (the negative control below) scores at least 0.71, 0.34, 0.41. O2's
# error depends on the Clebsch-Gordan basis escnn solved for (0.24, 0.32 and 0.34
# seen for seed 2 with three bases; escnn caches the first one it computes, now
# with numpy seeded: escnn_support.seeded_numerics), while the unmoved output's
# largest error per seed stays above 0.84 with each of them.
GENERATOR_BLURRED_BOUND = {"C8": 0.63, "SO2": 0.25, "O2": 0.40}


def _blurred_error(moved: torch.Tensor, target: torch.Tensor, images: torch.Tensor) -> float:
    """Mean blurred distance of ``moved`` from ``target``, per blurred distance between samples."""

    def blur(x: torch.Tensor) -> torch.Tensor:
        return gaussian_blur(x, 13, 3.0)

    between = (blur(images) - blur(images.roll(1, 0))).flatten(1).norm(dim=1).mean()
    return float((blur(moved) - blur(target)).flatten(1).norm(dim=1).mean() / between)


@pytest.mark.parametrize("spec", ["C8", "SO2", "O2"])
def test_interpolated_groups_are_invariant_within_the_documented_bound(spec):
    symmetry = resolve_group(spec)  # first: building a group may draw from torch's RNG
    torch.manual_seed(0)
    image = ImageShape(1, 32)
    discriminators = small_discriminators(symmetry, image)
    x = smooth_images(n=6, size=32, channels=1)
    elements = symmetry.elements() if symmetry.is_finite else symmetry.sample(6)
    with torch.no_grad():
        for g in elements:
            for discriminator in discriminators.values():
                reference = discriminator(x)
                error = float(((discriminator(symmetry.act(g, x)) - reference).abs()).max())
                bound = 1e-4 if symmetry.is_exact(g) else DISCRIMINATOR_TOLERANCE
                assert error / float(reference.abs().mean()) <= bound


def ellipses(n: int, angle: float, generator: torch.Generator, size: int = 32) -> torch.Tensor:
    """Two wide (band-limited) ellipses per image, turned ``angle`` to ``angle + 10`` degrees."""
    axis = torch.linspace(-1, 1, size)
    yy, xx = torch.meshgrid(axis, axis, indexing="ij")
    images = torch.zeros(n, 1, size, size)
    for image in images:
        for _ in range(2):
            cy, cx = (torch.rand(2, generator=generator) - 0.5) * 0.8
            turn = math.radians(angle + 10 * float(torch.rand(1, generator=generator)))
            u = (xx - cx) * math.cos(turn) + (yy - cy) * math.sin(turn)
            v = (yy - cy) * math.cos(turn) - (xx - cx) * math.sin(turn)
            image[0] += torch.exp(-(u**2) / 0.06 - v**2 / 0.3)
    return images


def held_out_auc(discriminator: torch.nn.Module, angle: float, seed: int = 0) -> float:
    """Train ``discriminator`` to score upright ellipses above turned ones; its held-out AUC."""
    generator = torch.Generator().manual_seed(seed)
    upright, turned = ellipses(128, 0, generator), ellipses(128, angle, generator)
    optimizer = torch.optim.Adam(discriminator.parameters(), lr=3e-3)
    for _ in range(40):
        pick = torch.randint(0, 128, (32,), generator=generator)
        loss = F.softplus(-discriminator(upright[pick])).mean()
        loss = loss + F.softplus(discriminator(turned[pick])).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        upright_scores = discriminator(ellipses(64, 0, generator)).flatten()
        turned_scores = discriminator(ellipses(64, angle, generator)).flatten()
    above = upright_scores[:, None] - turned_scores[None, :]
    return float((above > 0).float().mean() + (above == 0).float().mean() / 2)  # ties: half


TRAINED_AUC_BOUND = 0.93


@pytest.mark.slow
@pytest.mark.parametrize(("spec", "angle"), [("C8", 45), ("SO2", 30), ("O2", 30)])
def test_a_trained_invariant_discriminator_barely_sees_a_turn_and_a_same_shape_cnn_does(
    spec, angle
):
    """The negative control for the tolerance above, measured where a CNN does fail it.

    At initialisation a same-shape CNN's scores of smooth images hardly move under
    rotation either. Trained, they do: each discriminator learns for 40 Adam steps to
    score ellipses above the same kind of ellipses turned by ``angle`` (a rotation of
    the group that the pixel grid cannot represent), and its AUC on held-out images
    says how well it can see the turn. Measured on seeds 0-4 (float32): invariant
    discriminators 0.57-0.79 (C8), 0.65-0.87 (SO2), 0.65-0.82 (O2); the same-shape
    CNN 0.979-1.0. The invariant ones are not at chance: 3x3 kernels and 2x2 pooling
    on a square grid see a little of a 45- or 30-degree turn. Broken on purpose
    (``FeatureFields.invariant_features`` returning one coordinate of each field, the
    second for C8 and the fifth for SO2, instead of the group max or norm), the
    C8 and SO2 discriminators reached AUC 0.998 and 0.99 and failed. For O2 that
    break left the AUC at 0.49 (the coordinate did not see a turn of ellipses), so
    its line rests on the CNN control.
    """
    symmetry = resolve_group(spec)
    image = ImageShape(1, 32)
    torch.manual_seed(0)
    invariant = InvariantDiscriminator(symmetry, image, widths=[2, 3, 4])
    cnn = CNNDiscriminator(symmetry, image, widths=[2, 3, 4], match="shapes")
    assert held_out_auc(invariant, angle) < TRAINED_AUC_BOUND
    assert held_out_auc(cnn, angle) > TRAINED_AUC_BOUND


@pytest.mark.parametrize("spec", ["C8", "SO2", "O2"])
def test_interpolated_generators_are_equivariant_and_an_unmoved_output_is_not(spec):
    """The negative control: a generator whose output ignores ``g`` (``G(z)`` compared
    with ``g.G(z)``) must break the bound that the equivariant ``G(g.z)`` keeps."""
    symmetry = resolve_group(spec)
    bound = GENERATOR_BLURRED_BOUND[spec]
    for seed in range(3):
        unmoved = []
        torch.manual_seed(seed)
        generator = small_generator(symmetry, ImageShape(1, 32))
        z = generator.sample_latent(8).double()
        elements = symmetry.elements() if symmetry.is_finite else symmetry.sample(6)
        with torch.no_grad():
            images = generator(z)
            for g in elements:
                moved = generator(symmetry.act_fields(g, z, generator.latent_type))
                target = symmetry.act(g, images)
                if symmetry.is_exact(g):
                    assert relative_error(moved, target) <= 1e-5
                    continue
                assert _blurred_error(moved, target, images) <= bound, (seed, str(g))
                unmoved.append(_blurred_error(images, target, images))
        assert max(unmoved) > bound, (seed, unmoved)


def test_symmetrized_generator_output_law_is_invariant_for_any_base():
    symmetry = resolve_group("C4")
    generator = SymmetrizedGenerator(symmetry, IMAGE, base=CNNGenerator).eval()
    torch.manual_seed(0)
    with torch.no_grad():
        images = generator(generator.sample_latent(2048))
    assert law_discrepancy(symmetry, images) <= 3 * sampling_noise(images)


def test_equivariant_noise_gives_invariant_law_of_non_symmetric_images():
    """Noise in regular fields: every image differs from its rotations, their law does not.

    Noise in trivial fields would make each image itself symmetric (the bug this catches).
    """
    symmetry = resolve_group("C4")
    generator = EquivariantGenerator(symmetry, IMAGE, widths=[6, 4, 2], latent_fields=3).eval()
    torch.manual_seed(0)
    with torch.no_grad():
        images = generator(generator.sample_latent(2048))
    for g in symmetry.elements()[1:]:
        own_rotation = (images - symmetry.act(g, images)).flatten(1).norm(dim=1)
        relative = own_rotation / images.flatten(1).norm(dim=1)
        # trivial-field noise would give 1e-7 here, for every image
        assert float(relative.min()) > 0.05 and float(relative.median()) > 0.3
    assert law_discrepancy(symmetry, images) <= 3 * sampling_noise(images)


def test_law_statistic_detects_a_non_invariant_generator():
    """The statistic above is not blind: an unconstrained CNN generator fails it."""
    symmetry = resolve_group("C4")
    torch.manual_seed(1)
    generator = CNNGenerator(symmetry, IMAGE, widths=[32, 16, 8]).eval()
    with torch.no_grad():
        images = generator(generator.sample_latent(2048))
    assert law_discrepancy(symmetry, images) > 3 * sampling_noise(images)


def _moments(images: torch.Tensor) -> torch.Tensor:
    flat = images.flatten(1).double()
    return torch.cat([flat.mean(0), torch.cov(flat.T).flatten()])


def law_discrepancy(symmetry, images: torch.Tensor) -> float:
    """Largest change of the mean image and pixel covariance under a group element."""
    reference = _moments(images)
    return max(
        float((_moments(symmetry.act(g, images)) - reference).norm())
        for g in symmetry.elements()[1:]
    )


def sampling_noise(images: torch.Tensor) -> float:
    """The same moments' difference between two halves of the sample, rescaled to its size."""
    half = len(images) // 2
    return float((_moments(images[:half]) - _moments(images[half:])).norm()) / 2
