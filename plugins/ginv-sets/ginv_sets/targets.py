"""Laws of sets for ``ginv study``: unlimited seeded samples, and the metric W1 is measured in.

The study compares a GAN's sets with held-out sets by W1 between the two
samples of sets, so it needs a distance between two *sets*. Two sets are
compared as point clouds by the sliced 2-Wasserstein distance over ``directions``
equally spaced directions: project both on each direction, sort, and take the
root mean square difference. Sorting forgets the order of the items, so the
distance is blind to every permutation; with directions equally spaced over a
half turn it is also unchanged by turns through multiples of 180/directions
degrees (quarter turns when ``directions`` is even); with more directions than
items it separates any two different sets (Rényi: k+1 projections determine a
measure of k atoms). Sorted projections are coordinates in which this distance is
Euclidean, so W1 between thousands of sets is one exact transport problem
(POT's network simplex), where exact transport between every pair of sets
(``ginv_sets.metrics.sets_distance``) would be millions.
"""

from __future__ import annotations

import math

import torch
from torch import Tensor

from ginv_lightning.data.targets import TargetLaw
from ginv_lightning.errors import ConfigError
from ginv_sets.data import Ring
from ginv_sets.shape import SetShape


class RingSets(TargetLaw):
    """Sets of ``items`` i.i.d. points on the circle of radius 0.5, radially jittered by ``noise``.

    Invariant under S<items> (the items are i.i.d.) and under every rotation; the
    best possible generator is known: i.i.d. points of the ring law.

    Args:
        items: points per set (k).
        noise: standard deviation of the radial jitter.
        directions: directions of the sliced distance between sets (more than ``items``).
    """

    unit = "sets"

    def __init__(self, items: int = 8, noise: float = 0.03, directions: int = 32) -> None:
        if items < 2:
            raise ConfigError(f"target items must be >= 2, got {items}")
        if directions <= items:
            raise ConfigError(
                f"target directions must exceed items ({items}) for the distance to "
                f"separate sets, got {directions}"
            )
        self.items = items
        self.noise = noise
        self.directions = directions
        self.law = Ring(noise)

    @property
    def data_shape(self) -> SetShape:
        return SetShape(self.items, 2)

    def sample(self, n: int, generator: torch.Generator) -> Tensor:
        return self.law.sample(n, self.items, generator)

    def embed(self, samples: Tensor) -> Tensor:
        return sorted_projections(samples, self.directions)

    def __repr__(self) -> str:
        return f"RingSets(items={self.items}, noise={self.noise}, directions={self.directions})"


def sorted_projections(sets: Tensor, directions: int) -> Tensor:
    """Rows (N, directions * k) whose Euclidean distance is the sliced W2 between the sets
    (N, k, 2) as uniform point clouds."""
    angles = torch.arange(directions, dtype=torch.float64) * math.pi / directions
    axes = torch.stack([angles.cos(), angles.sin()])  # (2, directions)
    projected = sets.double() @ axes  # (N, k, directions)
    ordered = projected.sort(dim=1).values
    return ordered.flatten(1) / math.sqrt(directions * sets.shape[1])
