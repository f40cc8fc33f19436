"""The networks are exact: G(g.z) = g.G(z) and D(g.x) = D(x), for permutations and turns."""

from __future__ import annotations

import math

import pytest
import torch
from ginv_sets.networks import SetDiscriminator, SetGenerator
from ginv_sets.shape import SetShape

from ginv_lightning.symmetry import resolve_group


def networks(spec, k):
    symmetry = resolve_group(spec)
    shape = SetShape(k, 2)
    generator = SetGenerator(symmetry, shape, width=16, layers=2, noise=4).double().eval()
    discriminator = SetDiscriminator(symmetry, shape, width=16, layers=2).double().eval()
    return symmetry, generator, discriminator


def relative(a, b):
    return float((a - b).abs().max() / b.abs().max())


@pytest.mark.parametrize("k", [8, 64])
def test_permutation_equivariance_and_invariance_for_random_permutations(k):
    torch.manual_seed(k)
    symmetry, generator, discriminator = networks(f"S{k}", k)
    z = generator.sample_latent(4).double()
    x = torch.rand(4, k, 2, dtype=torch.float64) * 2 - 1
    with torch.no_grad():
        sets, scores = generator(z), discriminator(x)
        assert sets.shape == (4, k, 2)
        for g in symmetry.sample(10, torch.Generator().manual_seed(0)):
            assert relative(generator(symmetry.act(g, z)), symmetry.act(g, sets)) < 1e-12
            assert relative(discriminator(symmetry.act(g, x)), scores) < 1e-12


@pytest.mark.parametrize("k", [8, 64])
def test_every_turn_of_c4_times_random_permutations(k):
    torch.manual_seed(k)
    symmetry, generator, discriminator = networks({"name": "CxS", "n": 4, "k": k}, k)
    z = generator.sample_latent(4).double()  # (N, k, noise, 2): 2-D noise vectors per item
    x = torch.rand(4, k, 2, dtype=torch.float64) - 0.5
    permutations = resolve_group(f"S{k}").sample(4, torch.Generator().manual_seed(1))
    with torch.no_grad():
        sets, scores = generator(z), discriminator(x)
        for turn in range(4):
            for p in permutations:
                g = (turn, p)
                moved_noise = _moved_noise(symmetry, g, z)
                assert relative(generator(moved_noise), symmetry.act(g, sets)) < 1e-12
                assert relative(discriminator(symmetry.act(g, x)), scores) < 1e-12


def _moved_noise(symmetry, g, z):
    """Noise vectors (N, k, c, 2) move as c sets of points: every vector turned, items permuted."""
    channels = z.transpose(1, 2).flatten(0, 1)  # (N c, k, 2)
    moved = symmetry.act(g, channels).unflatten(0, (z.shape[0], z.shape[2]))
    return moved.transpose(1, 2)


def test_the_networks_are_not_invariant_to_what_the_group_does_not_contain():
    torch.manual_seed(0)
    _, _, discriminator = networks("S8", 8)
    x = torch.rand(4, 8, 2, dtype=torch.float64) - 0.5
    quarter = torch.tensor([[0.0, -1.0], [1.0, 0.0]], dtype=torch.float64)
    with torch.no_grad():  # S8 alone: a turn changes the score
        assert relative(discriminator(x @ quarter.T), discriminator(x)) > 1e-3


def test_turn_equivariance_holds_at_any_angle():
    torch.manual_seed(3)
    _, generator, discriminator = networks({"name": "CxS", "n": 4, "k": 8}, 8)
    angle = 0.3 * math.pi
    cos, sin = math.cos(angle), math.sin(angle)
    rotation = torch.tensor([[cos, -sin], [sin, cos]], dtype=torch.float64)
    z = generator.sample_latent(3).double()
    x = torch.rand(3, 8, 2, dtype=torch.float64) - 0.5
    with torch.no_grad():
        assert relative(generator(z @ rotation.T), generator(z) @ rotation.T) < 1e-12
        assert relative(discriminator(x @ rotation.T), discriminator(x)) < 1e-12
