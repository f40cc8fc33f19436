"""KID on the chosen feature network: torchmetrics' KernelInceptionDistance on given features."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics.image.kid import KernelInceptionDistance

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.features import GivenFeatures
from ginv_lightning.metrics.fid import FeatureBatches
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext, Reference


class KID(GenerativeMetric):
    """``kid`` (and ``kid_std``): the polynomial-kernel MMD over random subsets, seeded."""

    name = "kid"
    keys = ("kid", "kid_std")
    recorded = ("kid",)
    headline = True
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        assert context.features is not None
        config = context.config
        self.kid = KernelInceptionDistance(
            feature=GivenFeatures(context.features.num_features),
            reset_real_features=False,
            subset_size=config.kid_subset_size,
            subsets=config.kid_subsets,
            normalize=True,
        )
        self.generated = FeatureBatches()
        self.has_reference = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.features is not None

    def check_reference(self, size: int) -> None:
        config = self.context.config
        smallest = min(size, config.num_samples)
        if config.kid_subset_size > smallest:
            raise ConfigError(
                f"metrics.kid_subset_size ({config.kid_subset_size}) exceeds the "
                f"{smallest} images available on one side (reference {size}, "
                f"generated {config.num_samples}); lower it or generate more"
            )

    def add_reference(self, reference: Reference) -> None:
        assert reference.features is not None
        self.kid.update(reference.features.to(self.device), real=True)
        self.has_reference = True

    def update(self, generated: Generated) -> None:
        self.generated.add(generated.features)

    def compute(self) -> dict[str, Tensor]:
        features = self.generated.flush()
        if features is not None:
            self.kid.update(features, real=False)
        if not self.has_reference:  # the same on every process: all compute, all gather
            return {}
        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(self.context.config.seed)  # KID's random subsets
            mean, std = self.kid.compute()
        return {"kid": mean, "kid_std": std}

    def reset(self) -> None:
        super().reset()
        self.generated = FeatureBatches()
