"""The octahedral groups on R^3, from escnn, with readable names for their elements.

Every element is a signed permutation of the axes (a rotation or reflection
that maps the cube onto itself), so ginv-lightning's ``EscnnGroup`` moves voxel
grids exactly, by ``permute`` and ``flip``. The only thing added here is how
``ginv groups show`` names the elements: escnn prints them as quaternions.
"""

from __future__ import annotations

import numpy as np
from escnn import gspaces
from escnn.group import GroupElement

from ginv_lightning.symmetry.escnn_group import EscnnGroup

AXIS_NAMES = {(1, 0, 0): "x", (0, 1, 0): "y", (0, 0, 1): "z"}


class CubeSymmetry(EscnnGroup):
    """A subgroup of the cube's symmetries, its elements named by what they do."""

    def element_label(self, element: GroupElement) -> str:
        matrix = np.rint(self.gspace.basespace_action(element)).astype(int)
        return f"{describe_orthogonal(matrix)} [{coordinate_map(matrix)}]"


def rotations() -> EscnnGroup:
    """The rotation group of the cube (chiral octahedral group O), order 24."""
    _quiet_escnn_cache()
    return CubeSymmetry("octahedral", gspaces.octaOnR3())


def rotations_and_reflections() -> EscnnGroup:
    """The full octahedral group O_h = O x {1, -1}, order 48."""
    _quiet_escnn_cache()
    return CubeSymmetry("full_octahedral", gspaces.fullOctaOnR3())


def _quiet_escnn_cache() -> None:
    """escnn 1.0.11 caches the octahedral irreps with joblib at verbosity 2, which
    prints a line on stdout for every cache hit (into ``ginv groups show``, say)."""
    from escnn.group.groups import octa

    cached = getattr(octa, "_build_octa_irrep_picklable", None)
    if hasattr(cached, "_verbose"):
        cached._verbose = 0


def coordinate_map(matrix: np.ndarray) -> str:
    """``(x, y, z) -> (x, -z, y)``: where each coordinate goes, for a signed permutation."""
    names = ("x", "y", "z")
    image = []
    for row in matrix:
        (column,) = np.flatnonzero(row)
        image.append(("-" if row[column] < 0 else "") + names[column])
    return f"(x, y, z) -> ({', '.join(image)})"


def describe_orthogonal(matrix: np.ndarray) -> str:
    """Name an orthogonal 3x3 matrix: rotation, reflection, inversion or rotoreflection.

    An improper matrix M is -R for a rotation R by phi about a, which is the
    reflection across the plane normal to a after a rotation by phi + 180 degrees.
    """
    proper = round(np.linalg.det(matrix)) == 1
    rotation = matrix if proper else -matrix
    angle, axis = _angle_axis(rotation)
    if proper:
        return "identity" if angle == 0 else f"rotation by {angle} deg about {_axis(axis)}"
    if angle == 0:
        return "inversion through the centre"
    if angle == 180:
        return f"reflection across the plane normal to {_axis(axis)}"
    turn = (angle + 180) % 360
    if turn > 180:
        turn, axis = 360 - turn, -axis
    return f"rotoreflection by {turn} deg about {_axis(axis)}"


def _angle_axis(rotation: np.ndarray) -> tuple[int, np.ndarray]:
    """Angle in degrees (0 to 180) and axis (integer direction) of a rotation matrix."""
    cosine = np.clip((np.trace(rotation) - 1) / 2, -1, 1)
    angle = round(float(np.degrees(np.arccos(cosine))))
    if angle == 0:
        return 0, np.zeros(3, dtype=int)
    if angle == 180:  # R + I = 2 a a^T: any non-zero column points along a
        symmetric = rotation + np.eye(3)
        axis = symmetric[:, np.argmax(np.abs(symmetric).sum(axis=0))]
        axis = axis * np.sign(axis[np.flatnonzero(axis)[0]])  # the sign is arbitrary
    else:  # the antisymmetric part is sin(angle) [a]_x
        axis = np.array(
            [
                rotation[2, 1] - rotation[1, 2],
                rotation[0, 2] - rotation[2, 0],
                rotation[1, 0] - rotation[0, 1],
            ]
        )
    return angle, np.rint(axis / np.abs(axis).max()).astype(int)


def _axis(axis: np.ndarray) -> str:
    key = tuple(int(a) for a in axis)
    if key in AXIS_NAMES:
        return AXIS_NAMES[key]
    negated = tuple(-a for a in key)
    if negated in AXIS_NAMES:
        return "-" + AXIS_NAMES[negated]
    return "(" + ", ".join(str(a) for a in key) + ")"
