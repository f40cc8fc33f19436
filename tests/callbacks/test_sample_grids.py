"""Sample grids: images are tiled as they are, voxel grids as their three projections."""

from __future__ import annotations

import pytest
import torch

from ginv_lightning.sample_pictures import image_grid, voxel_projections


def test_a_voxel_appears_where_each_projection_puts_it():
    voxels = -torch.ones(1, 1, 4, 4, 4)
    voxels[0, 0, 1, 2, 3] = 1  # depth 1, height 2, width 3
    views = voxel_projections(voxels)
    assert views.shape == (1, 1, 4, 3 * 4 + 2)
    lit = {(int(r), int(c)) for r, c in (views[0, 0] == 1).nonzero()}
    # along depth: (height, width); along height: (depth, width); along width: (depth, height)
    assert lit == {(2, 3), (1, 5 + 3), (1, 10 + 2)}
    assert (views[0, 0, :, [4, 9]] == 0).all()  # grey lines between the views


def test_voxel_grids_tile_into_a_near_square_grid():
    grid = image_grid(torch.rand(16, 1, 8, 8, 8) * 2 - 1)
    # 16 samples of 8 x 26 px: 2 per row (52 px wide), 8 rows (64 px high), 2-px padding
    assert grid.shape == (3, 8 * 8 + 9 * 2, 2 * 26 + 3 * 2)
    assert float(grid.min()) >= 0 and float(grid.max()) <= 1


def test_images_tile_as_before():
    assert image_grid(torch.zeros(64, 1, 24, 24)).shape == (3, 8 * 24 + 9 * 2, 8 * 24 + 9 * 2)


@pytest.mark.parametrize("shape", [(2, 1, 8), (2, 1, 4, 4, 6)])
def test_other_shapes_are_refused(shape):
    with pytest.raises(ValueError, match=r"\(N, C, S, S, S\)"):
        image_grid(torch.zeros(shape))
