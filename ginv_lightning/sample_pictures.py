"""Pictures of generated samples: image grids, voxel projections, scatter plots of points.

Images are tiled as they are; voxel grids are shown by their maximum-intensity
projections along the three axes, side by side; points (N, d) are drawn as
scatter plots of their coordinate pairs; sets of points (N, k, d) as one small
scatter plot per set. :func:`save_samples` lets the kind of data
(``shapes.DataKind``) pick its picture, so every kind gives one PNG.
"""

from __future__ import annotations

import itertools
import math
from pathlib import Path

import torch
from torch import Tensor
from torchvision.utils import make_grid

from ginv_lightning.shapes import DataKind


def voxel_projections(voxels: Tensor) -> Tensor:
    """(N, C, D, H, W) -> (N, C, S, 3S + 2): the maxima along D, H and W, side by side.

    The three views are separated by one-pixel grey lines. The grid must be cubic (S = D = H = W).
    """
    if voxels.dim() != 5 or len(set(voxels.shape[2:])) != 1:
        raise ValueError(f"voxel grids must be (N, C, S, S, S), got {tuple(voxels.shape)}")
    views = [voxels.amax(dim) for dim in (2, 3, 4)]
    line = voxels.new_zeros(*voxels.shape[:3], 1)
    return torch.cat([views[0], line, views[1], line, views[2]], dim=-1)


def image_grid(images: Tensor, per_row: int | None = None) -> Tensor:
    """Images (N, C, H, W) or voxel grids (N, C, S, S, S) in [-1, 1] tiled into one grid in [0, 1].

    Voxel grids appear as their :func:`voxel_projections`. ``per_row`` images
    make a row (default: a near-square grid).
    """
    images = images.detach().cpu().float()
    if images.dim() == 5:
        images = voxel_projections(images)
    elif images.dim() != 4:
        raise ValueError(
            f"samples must be points (N, d), images (N, C, H, W) or voxel grids (N, C, S, S, S), "
            f"got {tuple(images.shape)}"
        )
    height, width = images.shape[-2:]
    if per_row is None:
        per_row = max(1, round(math.sqrt(len(images) * height / width)))  # a near-square grid
    return make_grid(images, nrow=per_row, normalize=True, value_range=(-1, 1))


def save_scatter(points: Tensor, path: Path, max_panels: int = 3) -> None:
    """Points (N, d) as scatter plots of their first coordinate pairs, one panel per pair.

    Panels share one symmetric range and keep equal aspect, so a rotation or a
    reflection of the law looks like one. One-dimensional points get a histogram.
    """
    from matplotlib.figure import Figure

    values = points.detach().cpu().double().numpy()
    dims = values.shape[1]
    pairs = list(itertools.combinations(range(dims), 2))[:max_panels]
    figure = Figure(figsize=(3.2 * max(1, len(pairs)), 3.2), dpi=100, layout="constrained")
    if not pairs:
        figure.add_subplot().hist(values[:, 0], bins=40)
    else:
        limit = 1.05 * float(abs(values).max() or 1.0)
        for index, (a, b) in enumerate(pairs, start=1):
            axes = figure.add_subplot(1, len(pairs), index)
            axes.scatter(values[:, a], values[:, b], s=6, alpha=0.6, linewidths=0)
            axes.set(xlim=(-limit, limit), ylim=(-limit, limit), xlabel=f"x{a}", ylabel=f"x{b}")
            axes.set_aspect("equal")
    figure.savefig(path)


def save_set_scatters(sets: Tensor, path: Path, most: int = 16) -> None:
    """The first ``most`` sets (N, k, d), one panel each: the first two coordinates of
    their points, on one symmetric range with equal aspect (a turned set looks turned)."""
    from matplotlib.figure import Figure

    values = sets[:most].detach().cpu().double().numpy()
    columns = math.ceil(math.sqrt(len(values)))
    rows = math.ceil(len(values) / columns)
    figure = Figure(figsize=(1.6 * columns, 1.6 * rows), dpi=100, layout="constrained")
    limit = 1.05 * float(abs(values).max() or 1.0)
    for index, points in enumerate(values, start=1):
        axes = figure.add_subplot(rows, columns, index)
        y = points[:, 1] if points.shape[1] > 1 else 0 * points[:, 0]
        axes.scatter(points[:, 0], y, s=8, linewidths=0)
        axes.set(xlim=(-limit, limit), ylim=(-limit, limit), xticks=[], yticks=[])
        axes.set_aspect("equal")
    figure.savefig(path)


def class_rows(classes: int, n: int) -> Tensor | None:
    """Labels for a grid of one row per class, ``n // classes`` samples each (None: no classes)."""
    if not classes:
        return None
    return torch.arange(classes).repeat_interleave(max(1, n // classes))


def save_samples(
    kind: DataKind, samples: Tensor, path: str | Path, per_row: int | None = None
) -> Path:
    """Write samples of this kind of data as one PNG (the kind draws them); its path."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    kind.save_picture(samples, path, per_row)
    return path
