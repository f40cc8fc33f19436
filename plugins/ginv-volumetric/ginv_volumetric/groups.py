"""The two group families this plugin registers (the targets of its entry points).

Cheap to import: escnn is imported by :mod:`ginv_volumetric.octahedral` only
when a group is built.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ginv_lightning.symmetry import GroupFamily

if TYPE_CHECKING:
    from ginv_lightning.symmetry.escnn_group import EscnnGroup


def _octahedral() -> EscnnGroup:
    from ginv_volumetric.octahedral import rotations

    return rotations()


def _full_octahedral() -> EscnnGroup:
    from ginv_volumetric.octahedral import rotations_and_reflections

    return rotations_and_reflections()


octahedral = GroupFamily(
    _octahedral,
    "the 24 rotations of the cube, acting on 3-D voxel grids",
    order="24",
    acts_on="3-D grid",
)
full_octahedral = GroupFamily(
    _full_octahedral,
    "the 48 rotations and reflections of the cube, acting on 3-D voxel grids",
    order="48",
    acts_on="3-D grid",
)
