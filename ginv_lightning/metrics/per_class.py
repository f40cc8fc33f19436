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
from ginv_lightning.metrics.process_counts import summed_over_processes
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext, Reference


class PerClassScores(GenerativeMetric):
    """Per-class FIDs on the feature network, and the digit classifier's accuracy on the
    asked-for labels (with ``digits`` features)."""

    name = "per_class"
    keys = ("fid_intra", "label_accuracy")
    headline = True
    higher_is_better = False  # of the headline, fid_intra

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        assert context.features is not None
        width = context.features.num_features
        self.fids = nn.ModuleList(
            FrechetInceptionDistance(
                feature=GivenFeatures(width), reset_real_features=False, normalize=True
            )
            for _ in range(context.classes)
        )
        self.accuracy = MeanMetric()
        self.has_reference = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return bool(context.classes) and context.features is not None

    def add_reference(self, reference: Reference) -> None:
        if reference.labels is None or reference.features is None:
            return  # a data module without class labels
        features = reference.features.to(self.device)
        labels = reference.labels.to(self.device)
        for label, fid in enumerate(self.fids):
            chosen = features[labels == label]
            if len(chosen):
                fid.update(chosen, real=True)
        self.has_reference = True

    def update(self, generated: Generated) -> None:
        if not self.has_reference or generated.labels is None or generated.features is None:
            return
        features = generated.features
        labels = generated.labels.to(features.device)
        for label, fid in enumerate(self.fids):
            chosen = features[labels == label]
            if len(chosen):
                fid.update(chosen, real=False)
        if generated.probabilities is not None:
            self.accuracy.update((generated.probabilities.argmax(-1) == labels).float())

    def compute(self) -> dict[str, Tensor]:
        """``fid_intra`` (classes with two or more images on each side) and ``label_accuracy``."""
        if not self.has_reference:
            return {}
        results: dict[str, Tensor] = {}
        counts = [int(n) for fid in self.fids for n in _sample_counts(fid)]
        *per_class, accuracy_updates = summed_over_processes(
            [*counts, self.accuracy.update_count], self.device
        )  # every process must call the same computes: each gathers from all of them
        fids = [
            fid.compute()
            for index, fid in enumerate(self.fids)
            if min(per_class[2 * index : 2 * index + 2]) >= 2
        ]
        if fids:
            results["fid_intra"] = torch.stack(fids).mean()
        if accuracy_updates:
            results["label_accuracy"] = self.accuracy.compute()
        return results


def _sample_counts(fid: FrechetInceptionDistance) -> tuple[Tensor, Tensor]:
    """How many real and generated samples this process's share of a class holds."""
    return fid.real_features_num_samples, fid.fake_features_num_samples
