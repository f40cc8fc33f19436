"""The shape of the data: what a data module delivers, the GAN is built for and networks make.

A kind of data is any class with the :class:`DataKind` methods; the core brings
images (and voxel grids) and points, a plugin brings its own (ginv-sets: sets of
points). Light to import (no torch): data modules, the CLI and the networks all
share it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Protocol, runtime_checkable

if TYPE_CHECKING:
    from torch import Tensor


@runtime_checkable
class DataKind(Protocol):
    """What ginv needs of a kind of data: its size, its labels, how to show and save samples.

    Groups say which kinds they move (``GroupAction.check_data``) and networks
    which kinds they take; everything else in the core reads only this.
    """

    #: how many classes each sample may be labelled with (0: no labels)
    classes: int
    #: the name of the samples' array in ``ginv sample --out samples.npz``
    array_key: ClassVar[str]

    @property
    def space_dims(self) -> int:
        """The dimension of the space the group moves."""
        ...

    @property
    def sample_shape(self) -> tuple[int, ...]:
        """The shape of one sample, without the batch dimension."""
        ...

    def describe(self) -> str:
        """A few words for messages and tables, e.g. ``3-channel 32x32 images``."""
        ...

    def save_picture(self, samples: Tensor, path: Path, per_row: int | None = None) -> None:
        """Draw ``samples`` (a batch of this kind) as one PNG at ``path``."""
        ...


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
    array_key: ClassVar[str] = "images"

    def __post_init__(self) -> None:
        check_classes(self.classes)
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

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return (self.channels,) + (self.size,) * self.dims

    def save_picture(self, samples: Tensor, path: Path, per_row: int | None = None) -> None:
        """A grid of images in [-1, 1] (voxel grids by their three projections)."""
        from torchvision.utils import save_image

        from ginv_lightning.sample_pictures import image_grid

        save_image(image_grid(samples, per_row), path)

    def describe(self) -> str:
        grid = "x".join([str(self.size)] * self.dims)
        kind = "images" if self.dims == 2 else "grids"
        return f"{self.channels}-channel {grid} {kind}{in_classes(self.classes)}"


@dataclass(frozen=True)
class VectorShape:
    """Points of R^dim, moved by the group's base-space representation (see ``EscnnGroup.act``).

    ``classes`` > 0: every point comes with a class label, as for :class:`ImageShape`.
    """

    dim: int
    classes: int = 0
    array_key: ClassVar[str] = "points"

    def __post_init__(self) -> None:
        check_classes(self.classes)
        if self.dim < 1:
            raise ValueError(f"vector dimension must be >= 1, got {self.dim}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the group moves: the points'."""
        return self.dim

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return (self.dim,)

    def save_picture(self, samples: Tensor, path: Path, per_row: int | None = None) -> None:
        """Scatter plots of the points' coordinate pairs."""
        from ginv_lightning.sample_pictures import save_scatter

        save_scatter(samples, path)

    def describe(self) -> str:
        return f"points of R^{self.dim}{in_classes(self.classes)}"


def check_classes(classes: int) -> None:
    if classes < 0 or classes == 1:
        raise ValueError(f"classes must be 0 (no labels) or >= 2, got {classes}")


def in_classes(classes: int) -> str:
    return f" in {classes} classes" if classes else ""


# What a data module exposes as ``data_shape``, what ``ginv fit`` links into
# ``GAN(data_shape=...)`` and what a network builder receives after the symmetry.
DataShape = DataKind
