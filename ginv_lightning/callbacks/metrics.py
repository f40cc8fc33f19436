"""The callback that measures a GAN at every validation and logs the numbers."""

from __future__ import annotations

import time
from typing import Any

import torch
from lightning.pytorch import Callback, LightningModule, Trainer
from torch import Tensor
from typing_extensions import override

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import build_features
from ginv_lightning.metrics.quality import SampleQuality


class GenerativeMetrics(Callback):
    """Every registered metric that applies to the data, logged under ``val/``.

    The built-in ones (:mod:`~ginv_lightning.metrics.registry`; a plugin adds more)
    log ``val/fid``, ``val/kid`` (and ``val/kid_std``) with the sample
    counts they use, ``val/samples_generated`` and ``val/samples_reference``;
    ``val/fid_orbit``, the Fréchet distance between generated images and the same
    images moved by random group elements, on 8x8 average-pooled pixels (features
    that keep orientation; near zero when the generated law is invariant);
    ``val/d_invariance``, the discriminator's largest score change over the group
    on real validation images, relative to the scores (sums over all images); with
    ``digits`` features also
    ``val/digit_confidence`` (mean top class probability) and
    ``val/digit_class_entropy`` (entropy of the predicted class histogram; ln 10
    = 2.30 when all digits are equally frequent); for a class-conditional GAN
    ``val/fid_intra`` (FID per class, averaged) and, with ``digits`` features,
    ``val/label_accuracy`` (share of generated digits classified as asked); with
    ``swd`` (default) and 2-D images, ``val/swd``, the multi-scale sliced
    Wasserstein distance (x 1e3) on Laplacian-pyramid patches, which needs no
    pretrained network, and per level ``val/swd_<side>`` (``val/swd_24``,
    ``val/swd_12``); ``val/eval_seconds``, the wall time this evaluation took
    (mean over processes). Reference features are computed
    once per run (and cached on disk by content); generated samples come from the
    EMA generator with a fixed seeded noise bank, so a seed reproduces the numbers.

    Args:
        enabled: measure at all.
        settings: what and how to measure: the fields of
            :class:`~ginv_lightning.metrics.config.MetricsConfig`, declared (with
            their defaults and help) only there; ``ginv fit`` lists them as
            ``--metrics.<field>``.
    """

    def __init__(self, enabled: bool = True, **settings: Any) -> None:
        # jsonargparse reads the forwarding below and offers MetricsConfig's fields
        self.enabled = enabled
        self.config = MetricsConfig(**settings)
        self.quality: SampleQuality | None = None
        self._reference_added = False
        self._seconds = 0.0

    @override
    def setup(self, trainer: Trainer, pl_module: LightningModule, stage: str) -> None:
        if not self.enabled or self.quality is not None:
            return
        reference = _reference_images(trainer, self.config.reference)
        features, feature_id = build_features(
            self.config.features, reference[:2], self.config.inception_weights
        )
        self.quality = SampleQuality(self.config, features, feature_id)
        self.quality.check_sizes(reference, getattr(pl_module, "classes", 0))
        self.quality.check_processes(trainer.world_size)

    @override
    def on_validation_batch_end(
        self, trainer: Trainer, pl_module: LightningModule, outputs: Any, batch: Any, *_: Any
    ) -> None:
        if self.quality is None:
            return
        started = time.perf_counter()
        parts = list(batch) if isinstance(batch, list | tuple) else [batch]
        labels = parts[1] if getattr(pl_module, "classes", 0) and len(parts) > 1 else None
        self.quality.to(pl_module.device)
        self.quality.add_discriminator_invariance(
            pl_module.discriminator, pl_module.symmetry, parts[0], labels
        )
        self._seconds += time.perf_counter() - started

    @override
    def on_validation_epoch_end(self, trainer: Trainer, pl_module: LightningModule) -> None:
        if self.quality is None or trainer.sanity_checking:
            return
        results = self.measure(trainer, pl_module)
        results["eval_seconds"] += self._seconds
        self._seconds = 0.0
        for name, value in results.items():  # equal on every rank; the mean keeps it so
            pl_module.log(f"val/{name}", _scalar(value), sync_dist=True)

    def measure(self, trainer: Trainer, pl_module: LightningModule) -> dict[str, Any]:
        """The generator's samples against the reference, now (every rank calls it).

        Also what a learning curve measures between validations
        (:class:`~ginv_lightning.callbacks.learning_curve.LearningCurve`); the
        discriminator's invariance is measured only in a validation loop, where
        it sees the real batches.
        """
        from ginv_lightning.escnn_support.eval_mode import evaluating

        assert self.quality is not None, "measure() runs after setup()"
        started = time.perf_counter()
        quality = self.quality.to(pl_module.device)
        shard = (trainer.global_rank, trainer.world_size)
        if not self._reference_added:
            classes = getattr(pl_module, "classes", 0)
            quality.add_reference(
                _reference_images(trainer, self.config.reference),
                shard,
                pl_module.device,
                _reference_labels(trainer, self.config.reference) if classes else None,
                classes,
            )
            self._reference_added = True
        with evaluating(pl_module.sampler) as sampler:
            quality.add_generated(
                sampler,
                pl_module.symmetry,
                shard,
                pl_module.device,
                _label_bank(pl_module, quality),
            )
        results = quality.compute()  # on every rank: torchmetrics gathers the states
        quality.reset_generated()
        results["eval_seconds"] = time.perf_counter() - started
        return results


def _label_bank(pl_module: LightningModule, quality: SampleQuality) -> Tensor | None:
    """The classes a conditional GAN is asked for, seeded like the noise bank (else None)."""
    if not getattr(pl_module, "classes", 0):
        return None
    generator = torch.Generator().manual_seed(quality.config.seed + 1_000_003)
    return pl_module.sample_labels(quality.config.num_samples, generator)


def _reference_labels(trainer: Trainer, part: str) -> Tensor | None:
    datamodule = trainer.datamodule
    return datamodule.class_labels(part) if hasattr(datamodule, "class_labels") else None


def _reference_images(trainer: Trainer, part: str) -> Tensor:
    datamodule = trainer.datamodule
    if datamodule is not None and hasattr(datamodule, "images"):
        return datamodule.images(part)
    loader = trainer.datamodule.val_dataloader() if datamodule is not None else None
    if loader is None:
        raise ConfigError("metrics need a data module with a validation split")
    batches = [b[0] if isinstance(b, list | tuple) else b for b in loader]
    return torch.cat(batches)


def _scalar(value: Any) -> float:
    return float(value.item() if isinstance(value, Tensor) else value)
