"""Grids of generated samples, saved as PNG and logged to W&B, from fixed noise.

Images are tiled as they are; voxel grids are shown by their maximum-intensity
projections along the three axes, side by side, so any grid dimension gives one PNG.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.utilities import rank_zero_only
from torch import Tensor
from torchvision.utils import make_grid, save_image


def voxel_projections(voxels: Tensor) -> Tensor:
    """(N, C, D, H, W) -> (N, C, S, 3S + 2): the maxima along D, H and W, side by side.

    The three views are separated by one-pixel grey lines. The grid must be cubic (S = D = H = W).
    """
    if voxels.dim() != 5 or len(set(voxels.shape[2:])) != 1:
        raise ValueError(f"voxel grids must be (N, C, S, S, S), got {tuple(voxels.shape)}")
    views = [voxels.amax(dim) for dim in (2, 3, 4)]
    line = voxels.new_zeros(*voxels.shape[:3], 1)
    return torch.cat([views[0], line, views[1], line, views[2]], dim=-1)


def image_grid(images: Tensor) -> Tensor:
    """Images (N, C, H, W) or voxel grids (N, C, S, S, S) in [-1, 1] tiled into one grid in [0, 1].

    Voxel grids appear as their :func:`voxel_projections`.
    """
    images = images.detach().cpu().float()
    if images.dim() == 5:
        images = voxel_projections(images)
    elif images.dim() != 4:
        raise ValueError(f"samples must be (N, C, H, W) or (N, C, S, S, S), got {images.dim()}-D")
    height, width = images.shape[-2:]
    per_row = max(1, round(math.sqrt(len(images) * height / width)))  # a near-square grid
    return make_grid(images, nrow=per_row, normalize=True, value_range=(-1, 1))


def save_grid(images: Tensor, path: str | Path) -> Path:
    """Write images in [-1, 1] as one PNG grid."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    save_image(image_grid(images), path)
    return path


class SampleGrid(Callback):
    """Every ``every_n_steps`` generator steps (and at the end), a grid from the EMA generator.

    The noise is drawn once from ``seed``, so successive grids show the same
    latent points as training goes on. PNGs go to ``<log dir>/samples/``; a
    ``WandbLogger`` also receives them as ``samples`` images. Only rank 0 writes.

    Args:
        every_n_steps: interval in optimiser steps (``trainer.global_step``); 0 = only at the end.
        n: images per grid.
        seed: seed of the fixed noise.
    """

    def __init__(self, every_n_steps: int = 500, n: int = 64, seed: int = 0) -> None:
        if every_n_steps < 0 or n < 1:
            raise ValueError("samples.every_n_steps must be >= 0 and samples.n >= 1")
        self.every_n_steps = every_n_steps
        self.n = n
        self.seed = seed
        self._noise: Tensor | None = None
        self._last_step = -1
        self._directory: Path | None = None

    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        # trainer.log_dir is a collective call under DDP: resolve it on every rank here,
        # not inside the rank-zero-only writer.
        self._directory = Path(trainer.log_dir or trainer.default_root_dir) / "samples"

    def on_train_batch_end(self, trainer: Trainer, pl_module: LightningModule, *_: Any) -> None:
        step = trainer.global_step
        if (
            self.every_n_steps
            and step // self.every_n_steps > max(self._last_step, 0) // self.every_n_steps
        ):
            self._write(trainer, pl_module)

    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if trainer.global_step != self._last_step:
            self._write(trainer, pl_module)

    @rank_zero_only
    def _write(self, trainer: Trainer, pl_module: LightningModule) -> None:
        from ginv_lightning.gan.averaging import evaluating

        self._last_step = trainer.global_step
        sampler = pl_module.sampler
        if self._noise is None:
            generator = torch.Generator().manual_seed(self.seed)
            self._noise = sampler.sample_latent(self.n, generator=generator)
        with evaluating(sampler):
            images = sampler(self._noise.to(pl_module.device))
        assert self._directory is not None
        path = save_grid(images, self._directory / f"step_{self._last_step:07d}.png")
        for logger in trainer.loggers:
            if hasattr(logger, "log_image"):
                logger.log_image("samples", [str(path)], step=trainer.global_step)
