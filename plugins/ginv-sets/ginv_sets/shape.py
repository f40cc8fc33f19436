"""The kind of data this plugin brings: sets of points, batched as (N, items, dim).

It implements the core's ``ginv_lightning.shapes.DataKind``, so ``ginv fit``,
sample grids and ``ginv sample`` handle sets without the core knowing of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from torch import Tensor

from ginv_lightning.shapes import check_classes, in_classes


@dataclass(frozen=True)
class SetShape:
    """Sets of ``items`` points of R^dim, batched as (N, items, dim): the order of the items
    within a set carries no information (groups that permute them apply).

    ``classes`` > 0: every set comes with a class label, as for the core's ``ImageShape``.
    """

    items: int
    dim: int
    classes: int = 0
    array_key: ClassVar[str] = "sets"

    def __post_init__(self) -> None:
        check_classes(self.classes)
        if self.items < 1:
            raise ValueError(f"a set needs at least 1 item, got {self.items}")
        if self.dim < 1:
            raise ValueError(f"item dimension must be >= 1, got {self.dim}")

    @property
    def space_dims(self) -> int:
        """The dimension of the space the items are points of."""
        return self.dim

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return (self.items, self.dim)

    def save_picture(self, samples: Tensor, path: Path, per_row: int | None = None) -> None:
        """One small scatter plot per set."""
        from ginv_lightning.sample_pictures import save_set_scatters

        save_set_scatters(samples, path)

    def describe(self) -> str:
        return f"sets of {self.items} points of R^{self.dim}{in_classes(self.classes)}"
