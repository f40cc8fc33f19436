"""KID on the chosen feature network: torchmetrics' KernelInceptionDistance on given features."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics.image.kid import KernelInceptionDistance

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.features import GivenFeatures
from ginv_lightning.metrics.fid import FeatureDistance
from ginv_lightning.metrics.forked_rng import forked_rng
from ginv_lightning.metrics.registry import MetricContext


class KID(FeatureDistance):
    """``kid`` (and ``kid_std``): the polynomial-kernel MMD over random subsets, seeded."""

    name = "kid"
    keys = ("kid", "kid_std")
    recorded = ("kid",)
    headline = True
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        assert context.features is not None
        config = context.config
        kid = KernelInceptionDistance(
            feature=GivenFeatures(context.features.num_features),
            reset_real_features=False,
            subset_size=config.kid_subset_size,
            subsets=config.kid_subsets,
            normalize=True,
        )
        super().__init__(context, kid)

    def check_reference(self, size: int) -> None:
        config = self.context.config
        smallest = min(size, config.num_samples)
        if config.kid_subset_size > smallest:
            raise ConfigError(
                f"metrics.kid_subset_size ({config.kid_subset_size}) exceeds the "
                f"{smallest} images available on one side (reference {size}, "
                f"generated {config.num_samples}); lower it or generate more"
            )

    def compute(self) -> dict[str, Tensor]:
        if not self.gathered():
            return {}
        with forked_rng(self.device):
            torch.manual_seed(self.context.config.seed)  # KID's random subsets
            mean, std = self.distance.compute()
        return {"kid": mean, "kid_std": std}
