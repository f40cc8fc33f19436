"""``digit_confidence`` and ``digit_class_entropy``: what the digit classifier makes of samples."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics import CatMetric, MeanMetric

from ginv_lightning.metrics.features import DigitFeatures
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext


class DigitScores(GenerativeMetric):
    """The mean top class probability of generated digits, and the entropy of the predicted
    class histogram (ln 10 = 2.30 when all digits are equally frequent)."""

    name = "digit_scores"
    keys = ("digit_confidence", "digit_class_entropy")
    recorded = ()
    higher_is_better = True

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        self.confidence = MeanMetric()
        self.predictions = CatMetric()

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return isinstance(context.features, DigitFeatures)

    def update(self, generated: Generated) -> None:
        if generated.probabilities is None:
            return
        self.confidence.update(generated.probabilities.amax(-1))
        self.predictions.update(generated.probabilities.argmax(-1).float())

    def compute(self) -> dict[str, Tensor]:
        if not self.confidence.update_count:
            return {}
        classes = self.predictions.compute().long()
        histogram = torch.bincount(classes, minlength=10).double() / len(classes)
        entropy = -(histogram[histogram > 0] * histogram[histogram > 0].log()).sum()
        return {"digit_confidence": self.confidence.compute(), "digit_class_entropy": entropy}
