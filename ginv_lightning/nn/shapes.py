"""The shape of the data a network makes or judges, and the resolution ladder it climbs."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageShape:
    """Channels and edge length of square images (or cubic voxel grids in 3-D)."""

    channels: int
    size: int

    def __post_init__(self) -> None:
        if self.channels < 1:
            raise ValueError(f"channels must be >= 1, got {self.channels}")
        if self.size < 2:
            raise ValueError(f"image size must be >= 2, got {self.size}")


@dataclass(frozen=True)
class VectorShape:
    """Points of R^dim, moved by the group's base-space representation (see ``Symmetry.act``)."""

    dim: int

    def __post_init__(self) -> None:
        if self.dim < 1:
            raise ValueError(f"vector dimension must be >= 1, got {self.dim}")


# What a network builder receives as the second argument, after the symmetry.
DataShape = ImageShape | VectorShape


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
