"""Tensor-level image preparation shared by the data modules."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import Tensor


def fit_to_canvas(images: Tensor, size: int, scale: float = 1.0) -> Tensor:
    """Resize (N, C, h, w) images to ``scale * size`` and centre them on a ``size`` canvas."""
    inner = max(1, round(size * scale))
    resized = F.interpolate(images, size=(inner, inner), mode="bilinear", antialias=True)
    before = (size - inner) // 2
    after = size - inner - before
    return F.pad(resized, (before, after, before, after))


def rotate(images: Tensor, angles: Tensor) -> Tensor:
    """Rotate each image about its centre by its angle (radians); zeros outside."""
    cos, sin = torch.cos(angles), torch.sin(angles)
    theta = torch.zeros(len(images), 2, 3, dtype=images.dtype)
    theta[:, 0, 0], theta[:, 0, 1] = cos, -sin
    theta[:, 1, 0], theta[:, 1, 1] = sin, cos
    grid = F.affine_grid(theta, list(images.shape), align_corners=False)
    return F.grid_sample(images, grid, mode="bilinear", padding_mode="zeros", align_corners=False)


def uniform_angles(n: int, seed: int) -> Tensor:
    """``n`` angles uniform on [0, 2 pi), reproducible from ``seed``."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(n, generator=generator, dtype=torch.float64).float() * 2 * math.pi


def to_signed(images: Tensor) -> Tensor:
    """[0, 1] -> [-1, 1], the range of the generators' tanh."""
    return images.clamp(0, 1) * 2 - 1
