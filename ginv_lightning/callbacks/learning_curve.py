"""A GAN's quality along its training: measured every K optimiser steps, kept as points."""

from __future__ import annotations

import time
from typing import Any

from lightning.pytorch import Callback, LightningModule, Trainer
from typing_extensions import override

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.metrics.forked_rng import forked_rng


class LearningCurve(Callback):
    """Measures the generator every ``every`` optimiser steps, at the start and at the end.

    Each point is ``{"step", "seconds", <metric>: value, ...}``: ``seconds`` is
    the training wall time up to that step, without the time spent measuring,
    so curves of models that were measured differently often compare. The
    measurement runs under a forked random state and leaves the networks as
    they were, so a fit with a curve trains exactly as one without.

    Args:
        every: optimiser steps between points.
        keep: the measured names kept in each point (e.g. ``swd``, ``fid_orbit``).
        settings: the metrics' settings (:class:`~ginv_lightning.metrics.config.MetricsConfig`),
            usually with ``reference: val``.
    """

    def __init__(self, every: int, keep: tuple[str, ...], **settings: Any) -> None:
        if every < 1:
            raise ValueError(f"a learning curve needs every >= 1 optimiser steps, got {every}")
        self.every = every
        self.keep = keep
        self.metrics = GenerativeMetrics(True, **settings)
        self.points: list[dict[str, float]] = []
        self.measuring_seconds = 0.0
        self._started = 0.0
        self._next = 0

    @override
    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        self.metrics.setup(trainer, pl_module, stage)

    @override
    def on_train_start(self, trainer: Trainer, pl_module: LightningModule) -> None:
        self._started = time.perf_counter()
        self._next = trainer.global_step
        self._measure_if_due(trainer, pl_module)

    @override
    def on_train_batch_end(self, trainer: Trainer, pl_module: LightningModule, *_: Any) -> None:
        self._measure_if_due(trainer, pl_module)

    @override
    def on_train_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if not self.points or self.points[-1]["step"] != trainer.global_step:
            self._measure(trainer, pl_module)

    def _measure_if_due(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if trainer.global_step >= self._next:
            self._measure(trainer, pl_module)
            while self._next <= trainer.global_step:
                self._next += self.every

    def _measure(self, trainer: Trainer, pl_module: LightningModule) -> None:
        started = time.perf_counter()
        with forked_rng(pl_module.device):
            results = self.metrics.measure(trainer, pl_module)
        training = started - self._started - self.measuring_seconds
        point = {"step": trainer.global_step, "seconds": training}
        point.update({k: float(results[k]) for k in self.keep if k in results})
        self.points.append(point)
        self.measuring_seconds += time.perf_counter() - started
