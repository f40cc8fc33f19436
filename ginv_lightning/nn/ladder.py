"""The resolution ladder a convolutional network climbs, and the widths of its stages."""

from __future__ import annotations

from collections.abc import Sequence

from ginv_lightning.shapes import DataShape, ImageShape
from ginv_lightning.symmetry.contract import GroupAction


def base_size(size: int, stages: int) -> int:
    """Edge length of the coarsest feature map of a ``stages``-stage ladder ending at ``size``.

    Every stage doubles (generator) or halves (discriminator) the resolution with
    nearest upsampling or 2x2 average pooling, both of which commute exactly with
    the 90-degree rotations and reflections of a square grid of any size; so the
    size must be a multiple of ``2**(stages - 1)``.
    """
    if stages < 1:
        raise ValueError(f"a network needs at least one stage (widths), got {stages}")
    step = 2 ** (stages - 1)
    if size % step or size // step < 2:
        examples = ", ".join(str(step * k) for k in range(2, 9))
        raise ValueError(
            f"image size {size} cannot be produced with {stages} stages: it must be a multiple "
            f"of {step} (2^(stages-1)) and at least {2 * step}, e.g. {examples}; "
            "change the image size or the number of widths"
        )
    return size // step


def check_widths(widths: Sequence[int]) -> None:
    """Every network is a ladder of stages, one positive channel width (field count) each."""
    if not widths or any(not isinstance(w, int) or w < 1 for w in widths):
        raise ValueError(f"widths must be a non-empty list of positive integers, got {widths!r}")


def check_images(symmetry: GroupAction, shape: DataShape) -> None:
    """Convolutional ladders make and judge images (or voxel grids) that the group moves."""
    if not isinstance(shape, ImageShape):
        raise ValueError(
            f"convolutional networks take images or voxel grids, but the data are "
            f"{shape.describe()}; choose networks made for them (MLPs for points, a group's "
            "own networks as `ginv groups show NAME` names them)"
        )
    symmetry.check_data(shape)
