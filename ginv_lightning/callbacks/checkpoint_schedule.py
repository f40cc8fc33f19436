"""Checkpoints on a schedule of their own, not on validation's.

Lightning's ``ModelCheckpoint`` without a monitored metric saves after each
validation when validation does not run every epoch, so a job validating every
20 epochs could lose 20 epochs to a kill. Here checkpoints (the newest
``step=N.ckpt`` and ``last.ckpt``) are written every ``every_n_train_steps``
optimiser steps, at each epoch's end, and when training ends however it ends:
``max_steps`` mid-epoch, ``max_time``, or Ctrl-C. A checkpoint watching a metric
(``monitor`` set) keeps Lightning's behaviour, since its metric comes from validation.
"""

from __future__ import annotations

from lightning.pytorch import LightningModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint
from typing_extensions import override

from ginv_lightning.lightning_private import save_checkpoint_now


class ScheduledCheckpoint(ModelCheckpoint):
    """``ModelCheckpoint`` that also saves at every epoch end and at the end of training."""

    @override
    def on_train_epoch_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if self.monitor is not None:
            return super().on_train_epoch_end(trainer, pl_module)
        self._save_now(trainer)
        return None

    @override
    def on_validation_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if self.monitor is not None:
            super().on_validation_end(trainer, pl_module)

    @override
    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if self.monitor is not None:
            return super().on_train_end(trainer, pl_module)
        self._save_now(trainer)
        return None

    @override
    def on_exception(
        self, trainer: Trainer, pl_module: LightningModule, exception: BaseException
    ) -> None:
        if isinstance(exception, KeyboardInterrupt):  # Ctrl-C: the state is sound, keep it
            self._save_now(trainer)

    def _save_now(self, trainer: Trainer) -> None:
        save_checkpoint_now(self, trainer)
