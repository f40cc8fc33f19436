"""What a class-conditional GAN adds to measure: does it draw the class it was asked for?

``label_accuracy`` is the classification accuracy score: the share of generated
images that the shipped digit classifier puts in the class the generator was
asked for. ``fid_intra`` is the intra-class FID: the FID between the generated
and the reference images of each class, averaged over the classes (as in
StudioGAN). Both use torchmetrics states, so DDP gathers them like the rest.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn
from torchmetrics import MeanMetric
from torchmetrics.image.fid import FrechetInceptionDistance

from ginv_lightning.metrics.features import GivenFeatures


class PerClassQuality(nn.Module):
    """Per-class FIDs on given features, and the accuracy of a classifier on asked-for labels."""

    def __init__(self, classes: int, num_features: int) -> None:
        super().__init__()
        self.classes = classes
        self.fids = nn.ModuleList(
            FrechetInceptionDistance(
                feature=GivenFeatures(num_features), reset_real_features=False, normalize=True
            )
            for _ in range(classes)
        )
        self.accuracy = MeanMetric()

    def add_reference(self, features: Tensor, labels: Tensor) -> None:
        for label, fid in enumerate(self.fids):
            chosen = features[labels.to(features.device) == label]
            if len(chosen):
                fid.update(chosen, real=True)

    def add_generated(
        self, features: Tensor, labels: Tensor, probabilities: Tensor | None = None
    ) -> None:
        labels = labels.to(features.device)
        for label, fid in enumerate(self.fids):
            chosen = features[labels == label]
            if len(chosen):
                fid.update(chosen, real=False)
        if probabilities is not None:
            self.accuracy.update((probabilities.argmax(-1) == labels).float())

    def compute(self) -> dict[str, Tensor]:
        """``fid_intra`` (classes with two or more images on each side) and ``label_accuracy``."""
        results: dict[str, Tensor] = {}
        fids = [
            fid.compute()
            for fid in self.fids
            if fid.real_features_num_samples >= 2 and fid.fake_features_num_samples >= 2
        ]
        if fids:
            results["fid_intra"] = torch.stack(fids).mean()
        if self.accuracy.update_count:
            results["label_accuracy"] = self.accuracy.compute()
        return results

    def reset_generated(self) -> None:
        for fid in self.fids:
            fid.reset()
        self.accuracy.reset()
