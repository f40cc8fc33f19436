"""``d_invariance``: how much the discriminator's score changes when real images are moved."""

from __future__ import annotations

from typing import Any

import torch
from torch import Tensor, nn
from torchmetrics import SumMetric

from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext


class DiscriminatorInvariance(GenerativeMetric):
    """D's largest score change over the group on real validation samples, relative to the
    scores (both summed over all samples, so independent of batching and processes).

    Measured in validation loops only, where the real batches pass by.
    """

    name = "d_invariance"
    keys = ("d_invariance",)
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        self.change = SumMetric()
        self.magnitude = SumMetric()

    @torch.no_grad()
    def observe_validation(
        self, discriminator: nn.Module, symmetry: Any, real: Tensor, labels: Tensor | None
    ) -> None:
        given = () if labels is None else (labels,)  # a conditional D keeps each image's label
        scores = discriminator(real, *given)
        generator = torch.Generator().manual_seed(self.context.config.seed)
        elements = symmetry.orbit_elements(self.context.config.orbit_samples, generator)
        change = torch.stack(
            [(discriminator(symmetry.act(g, real), *given) - scores).abs() for g in elements]
        )
        self.change.update(change.amax(0).sum())
        self.magnitude.update(scores.abs().sum())

    def update(self, generated: Generated) -> None:
        pass  # it judges the discriminator on real samples, not the generator

    def compute(self) -> dict[str, Tensor]:
        if not self.magnitude.update_count:
            return {}
        return {"d_invariance": self.change.compute() / (self.magnitude.compute() + 1e-12)}
