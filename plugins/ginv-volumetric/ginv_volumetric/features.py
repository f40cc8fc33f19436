"""Shape statistics of voxel grids: features for FID and KID on 3-D samples.

ginv-lightning's built-in feature networks see 2-D images. No pretrained 3-D
network fits small voxel grids, so these are measured directly: how much is
occupied and how crisply, how the mass spreads (principal extents, radial
profile, bounding box), and how rough the surface is. Every statistic is
invariant under the cube's symmetries, so FID on them compares what shapes a
generator draws, not how it orients them (``val/fid_orbit`` watches orientation).
Use them with ``metrics.features: ginv_volumetric.features.ShapeStatistics``.
"""

from __future__ import annotations

from itertools import pairwise

import torch
from torch import Tensor, nn

SHELLS = 4


class ShapeStatistics(nn.Module):
    """(N, C, S, S, S) voxel grids in [-1, 1] -> (N, 15) shape statistics, all of order 0.1 to 1.

    The features: cube root of the occupied fraction; mean distance from the
    binary values -1 and 1 (0 for crisp grids); the square roots of the three
    principal second moments of the mass about its centre, sorted, in grid
    units; the fraction of the mass in each of four shells around the centre of
    mass; the distance of the centre of mass from the grid centre; the sorted
    extents of the occupied voxels' bounding box; the surface roughness (the
    jumps between neighbouring voxels per axis, per unit of mass); and the occupied fraction
    of that bounding box.
    """

    num_features = 15

    def forward(self, voxels: Tensor) -> Tensor:
        if voxels.dim() != 5 or len(set(voxels.shape[2:])) != 1:
            shape = tuple(voxels.shape)
            raise ValueError(f"ShapeStatistics takes voxel grids (N, C, S, S, S), got {shape}")
        mass = ((voxels.double().mean(1) + 1) / 2).clamp(0, 1)  # (N, S, S, S) in [0, 1]
        size = mass.shape[-1]
        flat = mass.flatten(1)
        total = flat.sum(1).clamp_min(1e-6)
        axis = (torch.arange(size, dtype=mass.dtype, device=mass.device) + 0.5) / size
        points = torch.stack(torch.meshgrid(axis, axis, axis, indexing="ij"), -1).reshape(-1, 3)
        weights = flat / total[:, None]
        centre = weights @ points  # (N, 3)
        offsets = points[None] - centre[:, None]  # (N, S^3, 3)
        covariance = torch.einsum("np,npi,npj->nij", weights, offsets, offsets)
        spreads = torch.linalg.eigvalsh(covariance).clamp_min(0).sqrt()  # ascending
        radius = offsets.norm(dim=-1)
        edges = torch.linspace(0, 0.5, SHELLS + 1, dtype=mass.dtype, device=mass.device)
        edges[-1] = float("inf")
        shells = torch.stack(
            [(weights * ((radius >= lo) & (radius < hi))).sum(1) for lo, hi in pairwise(edges)], -1
        )
        occupied = mass > 0.5
        extents = torch.stack([_extent(occupied, dim) for dim in (1, 2, 3)], -1).sort(-1).values
        roughness = sum(mass.diff(dim=d).abs().flatten(1).sum(1) for d in (1, 2, 3)) / (3 * total)
        box = (extents * size).prod(-1).clamp_min(1)
        fill = occupied.flatten(1).sum(1) / box
        features = [
            (total / size**3).pow(1 / 3)[:, None],
            (1 - (2 * mass - 1).abs()).flatten(1).mean(1)[:, None],
            spreads,
            shells,
            (centre - 0.5).norm(dim=-1)[:, None],
            extents,
            roughness[:, None],
            fill[:, None],
        ]
        return torch.cat(features, -1).to(voxels.dtype)


def _extent(occupied: Tensor, dim: int) -> Tensor:
    """Fraction of the grid's edge spanned by the occupied voxels along one axis."""
    size = occupied.shape[dim]
    others = [d for d in (1, 2, 3) if d != dim]
    present = occupied.any(others[1]).any(others[0])  # (N, S) along ``dim``
    index = torch.arange(size, device=occupied.device)
    first = torch.where(present, index, size).amin(-1)
    last = torch.where(present, index, -1).amax(-1)
    return ((last - first + 1).clamp_min(0) / size).to(torch.float64)
