"""The group families this plugin registers (the targets of its entry points).

Cheap to import: torch is imported by :mod:`ginv_sets.permutations` only when a
group is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ginv_lightning.symmetry import GroupFamily
from ginv_lightning.symmetry.plugin import require_int

if TYPE_CHECKING:
    from ginv_sets.permutations import Permutations, RotationsAndPermutations


def _symmetric(k: int) -> Permutations:
    require_int("k", k, minimum=2, example="S<k>")
    from ginv_sets.permutations import Permutations

    return Permutations(k)


def _rotations_and_permutations(n: int, k: int) -> RotationsAndPermutations:
    require_int("n", n, minimum=1, example="CxS")
    require_int("k", k, minimum=2, example="CxS")
    from ginv_sets.permutations import RotationsAndPermutations

    return RotationsAndPermutations(n, k)


symmetric = GroupFamily(
    _symmetric,
    "all k! orderings of the k items of a set",
    order="k!",
    index="k",
    acts_on="sets of k items",
)
rotations_and_permutations = GroupFamily(
    _rotations_and_permutations,
    "rotations by multiples of 360/n degrees of every point, times all orderings",
    order="n*k!",
    acts_on="sets of k 2-D points",
)
