"""One evaluation loop that feeds every registered metric of one reference split.

The metrics themselves are torchmetrics ``Metric`` classes in the registry
(:mod:`~ginv_lightning.metrics.registry`); this module draws what they all
measure, once: the reference split's features (cached on disk by content),
and the generated samples of a fixed, seeded noise bank with their features,
their moved copies and the digit classifier's probabilities. Under DDP each
process adds its shard of the reference and generates its shard of the bank,
and every process calls ``compute`` so that torchmetrics can gather the
states: the numbers equal a single process's on the same samples.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import torch
from torch import Tensor, nn

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.config import MetricsConfig
from ginv_lightning.metrics.features import DigitFeatures
from ginv_lightning.metrics.forked_rng import forked_rng
from ginv_lightning.metrics.reference import default_cache_dir, reference_features
from ginv_lightning.metrics.registry import (
    Generated,
    GenerativeMetric,
    MetricContext,
    Reference,
    registered_metrics,
)
from ginv_lightning.symmetry.contract import GroupAction


class SampleQuality(nn.Module):
    """The registered metrics that apply to the data, and the samples they are fed.

    The metrics are chosen when the data's shape is first seen (the reference,
    a validation batch or the first generated batch): each registered metric
    whose ``applies`` accepts the data, the settings and the feature network.
    """

    def __init__(self, config: MetricsConfig, features: nn.Module | None, feature_id: str) -> None:
        super().__init__()
        if config.num_samples < 2:
            raise ConfigError(f"metrics.num_samples must be >= 2, got {config.num_samples}")
        if config.swd and min(config.swd_patches, config.swd_projections) < 1:
            raise ConfigError("metrics.swd_patches and metrics.swd_projections must be >= 1")
        self.config = config
        self.features = features
        self.feature_id = feature_id
        self.metrics = nn.ModuleDict()
        self.reference_size = 0

    def choose_metrics(self, sample_shape: tuple[int, ...], classes: int = 0) -> None:
        """Build the metrics that apply to samples of ``sample_shape`` (once)."""
        if len(self.metrics):
            return
        context = MetricContext(
            self.config, self.features, len(sample_shape), tuple(sample_shape), classes
        )
        for name, metric in registered_metrics().items():
            if metric.applies(context):
                self.metrics[name] = metric(context)

    def check_processes(self, processes: int) -> None:
        """Refuse (one line) a noise bank of fewer batches than processes: each generates a
        share of the batches, and torchmetrics cannot gather a share with no samples."""
        samples, size = self.config.num_samples, self.config.batch_size
        batches = math.ceil(samples / size)
        if batches < processes:
            raise ConfigError(
                f"metrics.num_samples ({samples}) in batches of metrics.batch_size ({size}) "
                f"makes {batches} batch(es) for {processes} processes, and each process "
                f"generates at least one: set metrics.batch_size to at most "
                f"{max(1, samples // processes)} or raise metrics.num_samples"
            )

    def check_sizes(self, reference: Tensor, classes: int = 0) -> None:
        """Choose the metrics for this reference and let each refuse it (one line), early."""
        self.choose_metrics(tuple(reference.shape[1:]), classes)
        for metric in self._each():
            metric.check_reference(len(reference))

    def add_reference(
        self,
        images: Tensor,
        shard: tuple[int, int],
        device: torch.device,
        labels: Tensor | None = None,
        classes: int = 0,
    ) -> None:
        """Add this process's shard of the real reference images, once per run.

        With ``labels`` (of a class-conditional GAN's ``classes``) the per-class
        metrics are measured too (:mod:`~ginv_lightning.metrics.per_class`).
        """
        self.check_sizes(images, classes)
        self.reference_size = len(images)
        features = None
        if self.features is not None:
            features = self._reference_features(images, shard, device)
        mine = None if labels is None else torch.tensor_split(labels, shard[1])[shard[0]]
        reference = Reference(images, features, mine if classes else None)
        for metric in self._each():
            metric.add_reference(reference)

    def _reference_features(
        self, images: Tensor, shard: tuple[int, int], device: torch.device
    ) -> Tensor:
        assert self.features is not None
        cache = self.config.cache_dir
        cache_dir = None if cache == "" else Path(cache) if cache else default_cache_dir()
        return reference_features(
            self.features, self.feature_id, images, shard, self.config.batch_size, device, cache_dir
        )

    @torch.no_grad()
    def add_discriminator_invariance(
        self,
        discriminator: nn.Module,
        symmetry: GroupAction,
        real: Tensor,
        labels: Tensor | None = None,
    ) -> None:
        """Show the metrics a real validation batch and the discriminator."""
        self.choose_metrics(tuple(real.shape[1:]))
        for metric in self._each():
            metric.observe_validation(discriminator, symmetry, real, labels)

    @torch.no_grad()
    def add_generated(
        self,
        sampler: nn.Module,
        symmetry: GroupAction,
        shard: tuple[int, int],
        device: torch.device,
        label_bank: Tensor | None = None,
    ) -> None:
        """Generate this process's share of the seeded noise bank and feed every metric.

        The bank is cut into batches seeded by their index, and each process takes a
        contiguous block of batches: any number of processes generates exactly the
        images (and random group elements) that one process would, in the same order.
        A conditional generator is asked for the classes of ``label_bank``, one per
        noise sample.
        """
        bank = sampler.sample_latent(
            self.config.num_samples, generator=torch.Generator().manual_seed(self.config.seed)
        )
        batches = list(torch.split(bank, self.config.batch_size))
        label_batches = (
            [None] * len(batches)
            if label_bank is None
            else list(torch.split(label_bank, self.config.batch_size))
        )
        mine = torch.tensor_split(torch.arange(len(batches)), shard[1])[shard[0]]
        self.generated_here = 0
        for metric in self._each():
            metric.begin_generated()
        for index in mine.tolist():
            with forked_rng(device):
                torch.manual_seed(self.config.seed + 1 + index)
                labels = label_batches[index]
                given = () if labels is None else (labels.to(device),)
                images = sampler(batches[index].to(device), *given)
                moved = symmetry.act_each(symmetry.sample(len(images)), images)
            self.generated_here += len(images)
            if not len(self.metrics):  # nothing seen before: chosen by the generated samples
                self.choose_metrics(tuple(images.shape[1:]))
                for metric in self._each():
                    metric.begin_generated()
            features = probabilities = None
            if self.features is not None:
                features = self.features(images)
                if isinstance(self.features, DigitFeatures):
                    probabilities = self.features.probabilities(features)
                features = features.double()
            generated = Generated(images, moved, labels, features, probabilities)
            for metric in self._each():
                metric.update(generated)

    def compute(self) -> dict[str, Any]:
        """Every metric, synced across processes; call on every rank."""
        results: dict[str, Any] = {}
        for metric in self._each():
            results.update(metric.compute())
        if self.reference_size:
            results.update(
                samples_generated=float(self.config.num_samples),
                samples_reference=float(self.reference_size),
            )
        return results

    def reset_generated(self) -> None:
        """Forget generated samples (the reference stays)."""
        for metric in self._each():
            metric.reset()

    def _each(self) -> list[GenerativeMetric]:
        return list(self.metrics.values())  # type: ignore[arg-type]
