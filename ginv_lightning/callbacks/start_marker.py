"""Whether a run got past its start, so a failed start can leave nothing behind."""

from __future__ import annotations

from lightning.pytorch import Callback, LightningModule, Trainer
from typing_extensions import override


class StartMarker(Callback):
    """Notes when a run got past its start: training or evaluation has begun for real."""

    def __init__(self) -> None:
        self.started = False

    @override
    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self.started = True

    @override
    def on_validation_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self.started = self.started or not (trainer.sanity_checking or trainer.training)

    @override
    def on_test_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self.started = True

    @override
    def on_predict_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self.started = True
