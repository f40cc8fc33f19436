"""The polycube data: seeded, well-formed, with a law invariant under the cube's symmetries."""

from __future__ import annotations

import pytest
import torch
from scipy import ndimage

from ginv_lightning.errors import ConfigError
from ginv_lightning.symmetry import resolve_group
from ginv_volumetric.polycubes import Polycubes, polycubes


def test_same_seed_same_shapes_other_seed_other_shapes():
    first = polycubes(50, cells=4, cell_size=3, size=16, seed=0)
    assert torch.equal(first, polycubes(50, cells=4, cell_size=3, size=16, seed=0))
    assert not torch.equal(first, polycubes(50, cells=4, cell_size=3, size=16, seed=1))


@pytest.mark.parametrize(("cells", "cell_size", "size"), [(4, 3, 16), (5, 2, 12), (1, 4, 8)])
def test_every_sample_is_one_polycube_of_cell_sized_blocks(cells, cell_size, size):
    grids = polycubes(100, cells=cells, cell_size=cell_size, size=size, seed=0)
    assert grids.shape == (100, 1, size, size, size)
    assert set(grids.unique().tolist()) <= {-1.0, 1.0}
    for grid in grids[:, 0] > 0:
        assert int(grid.sum()) == cells * cell_size**3
        _, components = ndimage.label(grid.numpy())  # face-connected
        assert components == 1
        coarse = ndimage.find_objects(grid.numpy().astype(int))[0]
        box = grid[coarse]
        assert all(side % cell_size == 0 for side in box.shape)
        blocks = box.unflatten(0, (-1, cell_size)).unflatten(2, (-1, cell_size))
        blocks = blocks.unflatten(4, (-1, cell_size)).float().mean((1, 3, 5))
        assert set(blocks.unique().tolist()) <= {0.0, 1.0}  # whole blocks only


def moments(grids: torch.Tensor) -> torch.Tensor:
    flat = grids.flatten(1).double()
    return torch.cat([flat.mean(0), torch.cov(flat.T).flatten()])


def law_discrepancy(symmetry, grids: torch.Tensor) -> float:
    """Largest change of the mean grid and the voxel covariance under a group element."""
    reference = moments(grids)
    return max(
        float((moments(symmetry.act(g, grids)) - reference).norm()) for g in symmetry.elements()[1:]
    )


def sampling_noise(grids: torch.Tensor) -> float:
    """The same moments' difference between two halves of the sample, rescaled to its size."""
    half = len(grids) // 2
    return float((moments(grids[:half]) - moments(grids[half:])).norm()) / 2


@pytest.fixture(scope="module")
def small_polycubes() -> torch.Tensor:
    return polycubes(4000, cells=3, cell_size=2, size=6, seed=0)


def test_the_law_of_the_data_is_invariant_under_the_full_octahedral_group(small_polycubes):
    symmetry = resolve_group("full_octahedral")
    assert law_discrepancy(symmetry, small_polycubes) <= 3 * sampling_noise(small_polycubes)


def test_the_law_statistic_sees_a_non_invariant_law(small_polycubes):
    """The same check fails for the shapes that lean to one side: it is not blind."""
    occupied = small_polycubes > 0
    leaning = small_polycubes[
        occupied[..., :3].sum((1, 2, 3, 4)) > occupied[..., 3:].sum((1, 2, 3, 4))
    ]
    symmetry = resolve_group("full_octahedral")
    assert law_discrepancy(symmetry, leaning) > 3 * sampling_noise(leaning)


def test_data_module_delivers_seeded_3d_splits():
    data = Polycubes(num_shapes=200, seed=3)
    assert data.grid_dims == 3
    sizes = {part: len(data.images(part)) for part in ("train", "val", "test")}
    assert sizes == {"train": 140, "val": 30, "test": 30}
    assert data.images("train").shape[1:] == (1, 16, 16, 16)
    batch = next(iter(data.train_dataloader()))[0]
    assert batch.shape == (32, 1, 16, 16, 16)
    assert torch.equal(Polycubes(num_shapes=200, seed=3).images("val"), data.images("val"))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"cells": 6, "cell_size": 3}, "exceeds data.image_size (16)"),
        ({"cells": 0}, "data.cells must be an integer >= 1"),
        ({"num_shapes": 2.5}, "data.num_shapes must be an integer >= 1"),
    ],
)
def test_bad_settings_are_refused_with_what_is_accepted(kwargs, message):
    with pytest.raises(ConfigError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Polycubes(**kwargs)
