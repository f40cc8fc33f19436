"""FID on the chosen feature network: torchmetrics' FrechetInceptionDistance on given features."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics import Metric
from torchmetrics.image.fid import FrechetInceptionDistance

from ginv_lightning.metrics.features import GivenFeatures
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext, Reference


class FeatureDistance(GenerativeMetric):
    """A torchmetrics distance on the feature network (FID, KID): the reference features
    added once, a measurement's generated features handed over in one update per process
    (KID gathers list states position by position; one update also keeps FID's sums)."""

    def __init__(self, context: MetricContext, distance: Metric) -> None:
        super().__init__(context)
        self.distance = distance
        self.pending: list[Tensor] = []
        self.has_reference = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.features is not None

    def add_reference(self, reference: Reference) -> None:
        assert reference.features is not None
        self.distance.update(reference.features.to(self.device), real=True)
        self.has_reference = True

    def update(self, generated: Generated) -> None:
        if generated.features is not None:
            self.pending.append(generated.features)

    def gathered(self) -> bool:
        """Hand the pending features over; whether to compute (the same on every process:
        all compute, all gather)."""
        if self.pending:
            self.distance.update(torch.cat(self.pending), real=False)
            self.pending = []
        return self.has_reference

    def reset(self) -> None:
        super().reset()
        self.pending = []


class FID(FeatureDistance):
    """``fid``: the Fréchet distance between Gaussians fitted to real and generated features."""

    name = "fid"
    keys = ("fid",)
    headline = True
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        assert context.features is not None
        fid = FrechetInceptionDistance(
            feature=GivenFeatures(context.features.num_features),
            reset_real_features=False,
            normalize=True,
        )
        super().__init__(context, fid)

    def compute(self) -> dict[str, Tensor]:
        return {"fid": self.distance.compute()} if self.gathered() else {}
