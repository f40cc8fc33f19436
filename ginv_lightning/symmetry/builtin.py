"""The built-in group families, registered from pyproject.toml like any plugin.

This module only validates parameters; the escnn-backed groups are built by
``planar`` on first use, so listing groups stays fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ginv_lightning.symmetry.plugin import GroupFamily, require_int

if TYPE_CHECKING:
    from ginv_lightning.symmetry.escnn_group import EscnnGroup


def _trivial() -> EscnnGroup:
    from ginv_lightning.symmetry import planar

    return planar.trivial()


def _cyclic(n: int) -> EscnnGroup:
    require_int("n", n, minimum=1, example="C<n>")
    from ginv_lightning.symmetry import planar

    return planar.cyclic(n)


def _dihedral(n: int) -> EscnnGroup:
    require_int("n", n, minimum=1, example="D<n>")
    from ginv_lightning.symmetry import planar

    return planar.dihedral(n)


def _flip() -> EscnnGroup:
    from ginv_lightning.symmetry import planar

    return planar.flip()


def _so2(bandwidth: int = 4) -> EscnnGroup:
    require_int("bandwidth", bandwidth, minimum=1, example="SO2")
    from ginv_lightning.symmetry import planar

    return planar.so2(bandwidth)


def _o2(bandwidth: int = 4) -> EscnnGroup:
    require_int("bandwidth", bandwidth, minimum=1, example="O2")
    from ginv_lightning.symmetry import planar

    return planar.o2(bandwidth)


# The planar groups move images by their grid and vectors of R^2 as points.
PLANAR = "2-D grid, 2-D points"

trivial = GroupFamily(_trivial, "no symmetry: the identity alone", order="1", acts_on=PLANAR)
cyclic = GroupFamily(
    _cyclic, "rotations of the plane by multiples of 360/n degrees", "n", "n", acts_on=PLANAR
)
dihedral = GroupFamily(
    _dihedral, "rotations by multiples of 360/n degrees and reflections", "2n", "n", acts_on=PLANAR
)
flip = GroupFamily(
    _flip, "one reflection of the plane (left-right mirror)", order="2", acts_on=PLANAR
)
so2 = GroupFamily(
    _so2, "all rotations of the plane, band-limited features", order="continuous", acts_on=PLANAR
)
o2 = GroupFamily(
    _o2,
    "all rotations and reflections, band-limited features",
    order="continuous",
    acts_on=PLANAR,
)
