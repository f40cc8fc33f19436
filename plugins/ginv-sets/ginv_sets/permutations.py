"""S<k> and C<n> x S<k>: groups with their own action, no escnn gspace behind them.

An element of S<k> is a tuple ``p`` of the k positions: item ``i`` of a set moves
to position ``p[i]``. ``compose(g, h)`` is ``g`` after ``h``, so moving by ``h``
then by ``g`` is moving by ``compose(g, h)`` (a left action). An element of
C<n> x S<k> is a pair ``(r, p)``: every point is turned by ``r`` times 360/n
degrees counter-clockwise, (1, 0) towards (0, 1), as the core's planar groups
turn points, then the points are permuted by ``p``.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from typing import Any

import torch
from torch import Tensor

from ginv_lightning.shapes import DataShape
from ginv_lightning.symmetry.contract import GroupAction
from ginv_sets.shape import SetShape

Permutation = tuple[int, ...]
# Enumerating more elements than this is refused: draw them with sample().
MOST_ELEMENTS = 5040


class Permutations(GroupAction):
    """The symmetric group S<k> permuting the k items of sets (N, k, d)."""

    generator = "ginv_sets.networks.SetGenerator"
    discriminator = "ginv_sets.networks.SetDiscriminator"

    def __init__(self, k: int) -> None:
        self.k = k
        self.name = f"S{k}"

    def __repr__(self) -> str:
        return f"Permutations({self.k})"

    @property
    def order(self) -> int:
        return math.factorial(self.k)

    @property
    def identity(self) -> Permutation:
        return tuple(range(self.k))

    def elements(self) -> list[Permutation]:
        """All k! permutations, identity first (refused beyond 5040 elements)."""
        if self.order > MOST_ELEMENTS:
            raise ValueError(f"{self.name} has {self.order} elements; draw them with sample()")
        return list(itertools.permutations(range(self.k)))

    def sample(self, n: int, generator: torch.Generator | None = None) -> list[Permutation]:
        # the ranks of i.i.d. uniform keys are a uniformly random permutation
        keys = torch.rand(n, self.k, generator=generator, dtype=torch.float64)
        return [tuple(row) for row in keys.argsort(dim=1).tolist()]

    def compose(self, g: Permutation, h: Permutation) -> Permutation:
        return tuple(g[i] for i in h)

    def act(self, element: Permutation, x: Tensor) -> Tensor:
        self._check_sets(x)
        return x[:, _inverse(element)]

    def act_each(self, elements: Sequence[Permutation], x: Tensor) -> Tensor:
        self._check_sets(x)
        if len(elements) != x.shape[0]:
            raise ValueError(f"{len(elements)} elements for a batch of {x.shape[0]}")
        sources = torch.tensor([_inverse(p) for p in elements], device=x.device)
        return torch.gather(x, 1, sources[..., None].expand(-1, -1, x.shape[2]))

    def check_data(self, shape: DataShape) -> None:
        if not isinstance(shape, SetShape):
            raise ValueError(
                f"{self.name} permutes the items of sets, but the data are {shape.describe()}; "
                f"use set data (e.g. ginv_sets.data.SetData with items: {self.k})"
            )
        if shape.items != self.k:
            raise ValueError(
                f"{self.name} permutes sets of {self.k} items, but the data are "
                f"{shape.describe()}; use S{shape.items} or data with {self.k} items"
            )

    def example_data(self, n: int, generator: torch.Generator) -> Tensor:
        return torch.randn(n, self.k, 3, generator=generator, dtype=torch.float64)

    def element_label(self, element: Permutation) -> str:
        return cycles(element)

    def describe(self) -> dict[str, Any]:
        info = {**super().describe(), "acts on": f"sets of {self.k} items (N, {self.k}, d)"}
        info["elements"] = (
            [cycles(p) for p in self.elements()]
            if self.order <= 24
            else f"{self.order}, drawn uniformly (a permutation as its cycles, e.g. (0 2 1))"
        )
        return info

    def _check_sets(self, x: Tensor) -> None:
        if x.dim() != 3 or x.shape[1] != self.k:
            raise ValueError(
                f"{self.name} moves batches of sets (N, {self.k}, d), got shape {tuple(x.shape)}"
            )


class RotationsAndPermutations(Permutations):
    """C<n> x S<k>: turn every 2-D point of a set by the same multiple of 360/n degrees,
    and permute the points."""

    def __init__(self, n: int, k: int) -> None:
        super().__init__(k)
        self.n = n
        self.name = f"C{n}xS{k}"

    def __repr__(self) -> str:
        return f"RotationsAndPermutations({self.n}, {self.k})"

    @property
    def order(self) -> int:
        return self.n * math.factorial(self.k)

    @property
    def identity(self) -> tuple[int, Permutation]:
        return 0, tuple(range(self.k))

    def elements(self) -> list[tuple[int, Permutation]]:
        if self.order > MOST_ELEMENTS:
            raise ValueError(f"{self.name} has {self.order} elements; draw them with sample()")
        return list(itertools.product(range(self.n), itertools.permutations(range(self.k))))

    def sample(
        self, n: int, generator: torch.Generator | None = None
    ) -> list[tuple[int, Permutation]]:
        turns = torch.randint(self.n, (n,), generator=generator).tolist()
        return list(zip(turns, super().sample(n, generator), strict=True))

    def compose(self, g: tuple[int, Permutation], h: tuple[int, Permutation]) -> Any:
        return (g[0] + h[0]) % self.n, super().compose(g[1], h[1])

    def act(self, element: tuple[int, Permutation], x: Tensor) -> Tensor:
        turn, permutation = element
        return super().act(permutation, x @ _rotation(turn, self.n, x).T)

    def act_each(self, elements: Sequence[tuple[int, Permutation]], x: Tensor) -> Tensor:
        self._check_sets(x)
        if len(elements) != x.shape[0]:
            raise ValueError(f"{len(elements)} elements for a batch of {x.shape[0]}")
        matrices = torch.stack([_rotation(turn, self.n, x) for turn, _ in elements])
        turned = torch.einsum("nij,nkj->nki", matrices, x)
        return super().act_each([p for _, p in elements], turned)

    def check_data(self, shape: DataShape) -> None:
        super().check_data(shape)
        assert isinstance(shape, SetShape)
        if shape.dim != 2:
            raise ValueError(
                f"{self.name} turns 2-D points, but the data are {shape.describe()}; "
                f"use S{self.k} for points of R^{shape.dim}"
            )

    def example_data(self, n: int, generator: torch.Generator) -> Tensor:
        return torch.randn(n, self.k, 2, generator=generator, dtype=torch.float64)

    def element_label(self, element: tuple[int, Permutation]) -> str:
        turn, permutation = element
        return f"{turn * 360 / self.n:g} deg, {cycles(permutation)}"

    def describe(self) -> dict[str, Any]:
        info = super().describe()
        info["acts on"] = f"sets of {self.k} points of R^2 (N, {self.k}, 2)"
        if self.order <= 24:
            info["elements"] = [self.element_label(g) for g in self.elements()]
        return info

    def _check_sets(self, x: Tensor) -> None:
        super()._check_sets(x)
        if x.shape[2] != 2:
            raise ValueError(f"{self.name} turns 2-D points, got sets of shape {tuple(x.shape)}")


def _inverse(permutation: Permutation) -> list[int]:
    """``source[j]``: the item that lands at position ``j``."""
    source = [0] * len(permutation)
    for item, position in enumerate(permutation):
        source[position] = item
    return source


def _rotation(turn: int, n: int, like: Tensor) -> Tensor:
    angle = 2 * math.pi * turn / n
    cos, sin = math.cos(angle), math.sin(angle)
    return torch.tensor([[cos, -sin], [sin, cos]], dtype=like.dtype, device=like.device)


def cycles(permutation: Permutation) -> str:
    """Cycle notation without fixed points: ``(0 2 1)``; ``()`` for the identity."""
    seen: set[int] = set()
    parts = []
    for start in range(len(permutation)):
        if start in seen or permutation[start] == start:
            continue
        cycle, item = [], start
        while item not in seen:
            seen.add(item)
            cycle.append(str(item))
            item = permutation[item]
        parts.append(f"({' '.join(cycle)})")
    return "".join(parts) or "()"
