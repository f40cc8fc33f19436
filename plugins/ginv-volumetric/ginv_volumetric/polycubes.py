"""Polycubes: a seeded, procedurally generated voxel data set whose law is octahedral-invariant.

A polycube is a set of unit cubes glued face to face. Each sample grows one
from a single cube, adding a face neighbour of a uniformly chosen cube in a
uniformly chosen direction until it has ``cells`` cubes; draws every cube as a
``cell_size``-voxel block; centres it in the grid; and turns the whole grid by
one of the cube's 48 symmetries (rotations and mirror images), uniformly. The
last step makes the law of the data exactly invariant under both octahedral
groups, whatever the growth process; nothing is downloaded.
"""

from __future__ import annotations

import torch
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule
from ginv_lightning.errors import ConfigError

DIRECTIONS = ((1, 0, 0), (-1, 0, 0), (0, 1, 0), (0, -1, 0), (0, 0, 1), (0, 0, -1))


def grow_polycube(cells: int, generator: torch.Generator) -> Tensor:
    """Integer coordinates (cells, 3) of a random polycube, its bounding box at the origin."""
    occupied = [(0, 0, 0)]
    taken = set(occupied)
    while len(occupied) < cells:
        pick = int(torch.randint(len(occupied), (1,), generator=generator))
        step = DIRECTIONS[int(torch.randint(len(DIRECTIONS), (1,), generator=generator))]
        candidate = tuple(a + b for a, b in zip(occupied[pick], step, strict=True))
        if candidate not in taken:
            taken.add(candidate)
            occupied.append(candidate)
    coordinates = torch.tensor(occupied)
    return coordinates - coordinates.min(0).values


def draw_polycube(coordinates: Tensor, cell_size: int, size: int) -> Tensor:
    """A (size, size, size) occupancy grid in {0, 1} with the polycube centred in it."""
    extent = (coordinates.max(0).values + 1) * cell_size
    grid = torch.zeros(size, size, size)
    offset = (size - extent) // 2
    for cell in coordinates:
        start = offset + cell * cell_size
        x, y, z = start.tolist()
        grid[x : x + cell_size, y : y + cell_size, z : z + cell_size] = 1
    return grid


def random_cube_symmetry(grid: Tensor, generator: torch.Generator) -> Tensor:
    """Turn a cubic grid by one of the cube's 48 symmetries, drawn uniformly.

    Each symmetry is one permutation of the three axes (6) and a reversal or not
    of each axis (8), and each pair gives a different one: 6 x 8 = 48.
    """
    axes = torch.randperm(3, generator=generator).tolist()
    flips = torch.randint(2, (3,), generator=generator).tolist()
    turned = grid.permute(*axes)
    reversed_axes = [axis for axis, flip in enumerate(flips) if flip]
    return turned.flip(reversed_axes) if reversed_axes else turned


def polycubes(count: int, cells: int, cell_size: int, size: int, seed: int) -> Tensor:
    """``count`` random polycubes, randomly turned: (count, 1, size, size, size) in [-1, 1]."""
    generator = torch.Generator().manual_seed(seed)
    grids = [
        random_cube_symmetry(
            draw_polycube(grow_polycube(cells, generator), cell_size, size), generator
        )
        for _ in range(count)
    ]
    return torch.stack(grids).unsqueeze(1) * 2 - 1


class Polycubes(ImageDataModule):
    """Randomly grown and randomly turned polycubes in a cubic voxel grid (1 inside, -1 outside).

    With the defaults, 2,000 tetracubes (4 cubes of 3^3 voxels) in a 16^3 grid,
    split 70/15/15 by ``seed``. The law of the data is invariant under all 48
    symmetries of the cube.

    Args:
        num_shapes: how many polycubes to generate (before the split).
        cells: cubes per polycube.
        cell_size: edge of each cube, in voxels.
        image_size: edge of the voxel grid; a straight rod of ``cells`` cubes must fit.
        channels: 1, or 3 for the same grid repeated.
        batch_size: grids per batch.
        **kwargs: the other arguments of :class:`~ginv_lightning.data.base.ImageDataModule`
            (``num_train``, ``fraction``, ``val_fraction``, ``test_fraction``, ``seed``, ...).
    """

    grid_dims = 3

    def __init__(
        self,
        num_shapes: int = 2000,
        cells: int = 4,
        cell_size: int = 3,
        image_size: int = 16,
        channels: int = 1,
        batch_size: int = 32,
        **kwargs,
    ) -> None:
        super().__init__(image_size=image_size, channels=channels, batch_size=batch_size, **kwargs)
        for name, value in (("num_shapes", num_shapes), ("cells", cells), ("cell_size", cell_size)):
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ConfigError(f"data.{name} must be an integer >= 1, got {value!r}")
        if cells * cell_size > image_size:
            raise ConfigError(
                f"data.cells * data.cell_size ({cells} * {cell_size}) exceeds data.image_size "
                f"({image_size}): a straight polycube would not fit; lower one or enlarge the grid"
            )
        self.num_shapes = num_shapes
        self.cells = cells
        self.cell_size = cell_size

    def load_images(self) -> Tensor:
        grids = polycubes(self.num_shapes, self.cells, self.cell_size, self.image_size, self.seed)
        return grids.expand(-1, self.channels, -1, -1, -1).contiguous()
