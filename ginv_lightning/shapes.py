"""The shape of the data: what a data module delivers, the GAN is built for and networks make.

Light to import (no torch): data modules, the CLI and the networks all share it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageShape:
    """Channels and edge length of square images, or of cubic voxel grids when ``dims`` is 3.

    ``classes`` > 0: every image comes with a class label in ``[0, classes)``, and
    the networks built for this shape take it (class-conditional GANs).
    """

    channels: int
    size: int
    dims: int = 2
    classes: int = 0

    def __post_init__(self) -> None:
        _check_classes(self.classes)
        if self.channels < 1:
            raise ValueError(f"channels must be >= 1, got {self.channels}")
        if self.size < 2:
            raise ValueError(f"image size must be >= 2, got {self.size}")
        if self.dims < 1:
            raise ValueError(f"grid dimensions must be >= 1, got {self.dims}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the group moves: the grid's."""
        return self.dims

    def describe(self) -> str:
        grid = "x".join([str(self.size)] * self.dims)
        kind = "images" if self.dims == 2 else "grids"
        return f"{self.channels}-channel {grid} {kind}{_in_classes(self.classes)}"


@dataclass(frozen=True)
class VectorShape:
    """Points of R^dim, moved by the group's base-space representation (see ``Symmetry.act``).

    ``classes`` > 0: every point comes with a class label, as for :class:`ImageShape`.
    """

    dim: int
    classes: int = 0

    def __post_init__(self) -> None:
        _check_classes(self.classes)
        if self.dim < 1:
            raise ValueError(f"vector dimension must be >= 1, got {self.dim}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the group moves: the points'."""
        return self.dim

    def describe(self) -> str:
        return f"points of R^{self.dim}{_in_classes(self.classes)}"


@dataclass(frozen=True)
class SetShape:
    """Sets of ``items`` points of R^dim, batched as (N, items, dim): the order of the items
    within a set carries no information (groups that permute them apply).

    ``classes`` > 0: every set comes with a class label, as for :class:`ImageShape`.
    """

    items: int
    dim: int
    classes: int = 0

    def __post_init__(self) -> None:
        _check_classes(self.classes)
        if self.items < 1:
            raise ValueError(f"a set needs at least 1 item, got {self.items}")
        if self.dim < 1:
            raise ValueError(f"item dimension must be >= 1, got {self.dim}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the items are points of."""
        return self.dim

    def describe(self) -> str:
        return f"sets of {self.items} points of R^{self.dim}{_in_classes(self.classes)}"


def _check_classes(classes: int) -> None:
    if classes < 0 or classes == 1:
        raise ValueError(f"classes must be 0 (no labels) or >= 2, got {classes}")


def _in_classes(classes: int) -> str:
    return f" in {classes} classes" if classes else ""


# What a data module exposes as ``data_shape``, what ``ginv fit`` links into
# ``GAN(data_shape=...)`` and what a network builder receives after the symmetry.
DataShape = ImageShape | VectorShape | SetShape
