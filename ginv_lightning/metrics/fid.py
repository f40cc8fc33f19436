"""FID on the chosen feature network: torchmetrics' FrechetInceptionDistance on given features."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics.image.fid import FrechetInceptionDistance

from ginv_lightning.metrics.features import GivenFeatures
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext, Reference


class FeatureBatches:
    """A measurement's generated features, handed to torchmetrics in one update per process
    (KID gathers list states position by position; one update also keeps FID's sums)."""

    def __init__(self) -> None:
        self.pending: list[Tensor] = []

    def add(self, features: Tensor | None) -> None:
        if features is not None:
            self.pending.append(features)

    def flush(self) -> Tensor | None:
        if not self.pending:
            return None
        features, self.pending = torch.cat(self.pending), []
        return features


class FID(GenerativeMetric):
    """``fid``: the Fréchet distance between Gaussians fitted to real and generated features."""

    name = "fid"
    keys = ("fid",)
    headline = True
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        assert context.features is not None
        self.fid = FrechetInceptionDistance(
            feature=GivenFeatures(context.features.num_features),
            reset_real_features=False,
            normalize=True,
        )
        self.generated = FeatureBatches()
        self.has_reference = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.features is not None

    def add_reference(self, reference: Reference) -> None:
        assert reference.features is not None
        self.fid.update(reference.features.to(self.device), real=True)
        self.has_reference = True

    def update(self, generated: Generated) -> None:
        self.generated.add(generated.features)

    def compute(self) -> dict[str, Tensor]:
        features = self.generated.flush()
        if features is not None:
            self.fid.update(features, real=False)
        if not self.has_reference:  # the same on every process: all compute, all gather
            return {}
        return {"fid": self.fid.compute()}

    def reset(self) -> None:
        super().reset()
        self.generated = FeatureBatches()
