"""How a group element moves the pixels (or voxels) of a tensor, in torch.

escnn's ``GeometricTensor.transform`` does the same through numpy and scipy, on
the CPU and without gradients. GAN code needs the action inside the graph (the
symmetrized generator, the orbit-averaged discriminator, augmentation), on any
device, for whole batches; so we do it in torch, following escnn's conventions
exactly (the tests compare both). An element whose matrix is a signed
permutation of the axes acts exactly by ``permute``/``flip``; any other is
resampled with ``grid_sample`` (bilinear, zeros outside the grid).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor


def to_tensor_axes(matrix: np.ndarray) -> np.ndarray:
    """Rewrite a base-space matrix from escnn's (x, y, z) to tensor axes (..., -z, -y, x)."""
    flipped = np.asarray(matrix, dtype=np.float64)[::-1, ::-1].copy()
    flipped[:-1, :] *= -1
    flipped[:, :-1] *= -1
    return flipped


def signed_permutation(
    matrix: np.ndarray, atol: float = 1e-6
) -> tuple[list[int], list[int]] | None:
    """For a signed permutation matrix (in tensor axes) the axes to read and those to reverse.

    Returns ``None`` when the matrix is not a signed permutation, i.e. when the
    element moves grid points off the grid and must be interpolated.
    """
    rounded = np.round(matrix)
    if not np.allclose(matrix, rounded, atol=atol):
        return None
    magnitude = np.abs(rounded)
    if not (magnitude.sum(axis=0) == 1).all() or not (magnitude.sum(axis=1) == 1).all():
        return None
    signed_axes = rounded.astype(int) @ np.arange(1, matrix.shape[0] + 1)
    source_axes = [abs(int(a)) - 1 for a in signed_axes]
    reversed_axes = [i for i, a in enumerate(signed_axes) if a < 0]
    return source_axes, reversed_axes


def permute_grid(x: Tensor, source_axes: list[int], reversed_axes: list[int]) -> Tensor:
    """Apply an exact grid permutation to the trailing ``len(source_axes)`` axes of ``x``.

    The result is always a new tensor, never a view of ``x``.
    """
    d = len(source_axes)
    lead = list(range(x.dim() - d))
    y = x.permute(*lead, *[len(lead) + a for a in source_axes])
    if reversed_axes:
        return y.flip([len(lead) + a for a in reversed_axes])
    return y.clone(memory_format=torch.contiguous_format)


def resample_grid(x: Tensor, matrices: Tensor) -> Tensor:
    """Resample ``x`` (N, C, *spatial) under per-sample matrices (N, d, d) in tensor axes.

    The output at centred position ``o`` reads the input at ``matrix^T o``, which is
    where ``g^{-1}`` sends ``o``: the same rule as escnn's interpolating path. The grid
    must be square (cubic) so that normalised and pixel coordinates scale alike.
    """
    d = matrices.shape[-1]
    spatial = x.shape[-d:]
    if len(set(spatial)) != 1:
        raise ValueError(f"interpolated group actions need a square grid, got {tuple(spatial)}")
    inverse = matrices.transpose(-1, -2)
    # grid_sample orders coordinates (x=W, y=H, z=D): the reverse of the tensor axes.
    theta = inverse.flip(-1).flip(-2)
    theta = torch.cat([theta, theta.new_zeros(theta.shape[0], d, 1)], dim=-1)
    grid = F.affine_grid(theta.to(x.dtype), list(x.shape), align_corners=True)
    return F.grid_sample(x, grid, mode="bilinear", padding_mode="zeros", align_corners=True)
