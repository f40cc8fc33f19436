"""The shape of the data: what a data module delivers, the GAN is built for and networks make.

Light to import (no torch): data modules, the CLI and the networks all share it.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImageShape:
    """Channels and edge length of square images, or of cubic voxel grids when ``dims`` is 3."""

    channels: int
    size: int
    dims: int = 2

    def __post_init__(self) -> None:
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
        return f"{self.channels}-channel {grid} {'images' if self.dims == 2 else 'grids'}"


@dataclass(frozen=True)
class VectorShape:
    """Points of R^dim, moved by the group's base-space representation (see ``Symmetry.act``)."""

    dim: int

    def __post_init__(self) -> None:
        if self.dim < 1:
            raise ValueError(f"vector dimension must be >= 1, got {self.dim}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the group moves: the points'."""
        return self.dim

    def describe(self) -> str:
        return f"points of R^{self.dim}"


# What a data module exposes as ``data_shape``, what ``ginv fit`` links into
# ``GAN(data_shape=...)`` and what a network builder receives after the symmetry.
DataShape = ImageShape | VectorShape
