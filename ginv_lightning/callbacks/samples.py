"""Sample pictures from fixed noise during training, saved as PNG and logged to W&B."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.utilities import rank_zero_only
from torch import Tensor
from typing_extensions import override

from ginv_lightning.sample_pictures import class_rows, save_samples


class SampleGrid(Callback):
    """Every ``every_n_steps`` generator steps (and at the end), a picture from the EMA generator.

    Images make a grid, voxel grids their projections, points a scatter plot
    (see :mod:`ginv_lightning.sample_pictures`).

    The noise is drawn once from ``seed``, so successive grids show the same
    latent points as training goes on. A class-conditional GAN's grid has one
    row per class. PNGs go to ``<log dir>/samples/``; a
    ``WandbLogger`` also receives them as ``samples`` images. Only rank 0 writes.

    Args:
        every_n_steps: interval in optimiser steps (``trainer.global_step``); 0 = only at the end.
        n: samples per picture.
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

    @override
    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        # trainer.log_dir is a collective call under DDP: resolve it on every rank here,
        # not inside the rank-zero-only writer.
        self._directory = Path(trainer.log_dir or trainer.default_root_dir) / "samples"

    @override
    def on_train_batch_end(self, trainer: Trainer, pl_module: LightningModule, *_: Any) -> None:
        step = trainer.global_step
        if (
            self.every_n_steps
            and step // self.every_n_steps > max(self._last_step, 0) // self.every_n_steps
        ):
            self._write(trainer, pl_module)

    @override
    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if trainer.global_step != self._last_step:
            self._write(trainer, pl_module)

    @rank_zero_only
    def _write(self, trainer: Trainer, pl_module: LightningModule) -> None:
        from ginv_lightning.escnn_support.eval_mode import evaluating

        self._last_step = trainer.global_step
        sampler = pl_module.sampler
        labels = class_rows(getattr(pl_module, "classes", 0), self.n)
        if self._noise is None:
            generator = torch.Generator().manual_seed(self.seed)
            count = self.n if labels is None else len(labels)
            self._noise = sampler.sample_latent(count, generator=generator)
        given = () if labels is None else (labels.to(pl_module.device),)
        with evaluating(sampler):
            images = sampler(self._noise.to(pl_module.device), *given)
        assert self._directory is not None
        per_row = None if labels is None else len(labels) // pl_module.classes
        name = f"step_{self._last_step:07d}.png"
        path = save_samples(pl_module.shape, images, self._directory / name, per_row)
        for logger in trainer.loggers:
            if hasattr(logger, "log_image"):
                logger.log_image("samples", [str(path)], step=trainer.global_step)
