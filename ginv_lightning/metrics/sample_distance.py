"""A metric that compares generated samples with kept real ones directly, without features."""

from __future__ import annotations

from abc import abstractmethod

from torch import Tensor
from torchmetrics import CatMetric

from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext


class SampleDistance(GenerativeMetric):
    """A distance between the reference samples and the generated ones, both kept whole.

    Every process keeps the whole reference (what :meth:`add_reference` puts in
    ``self.reference``; ``None`` means "not measured") and its own generated
    samples in a ``CatMetric``, flattened so that a process without samples
    gathers an empty tensor; torchmetrics gathers them in rank order, so each
    process computes the same number from the same samples. Subclasses
    implement ``add_reference`` and :meth:`distance`.
    """

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        self.reference: Tensor | None = None
        self.generated = CatMetric(nan_strategy="disable")

    def update(self, generated: Generated) -> None:
        if self.reference is not None:
            self.generated.update(generated.samples.detach().float().flatten())

    def compute(self) -> dict[str, float]:
        if self.reference is None:  # the same on every process: all compute, all gather
            return {}
        gathered = self.generated.compute()
        if not isinstance(gathered, Tensor) or gathered.numel() == 0:
            return {}
        return self.distance(self.reference, gathered.cpu().reshape(-1, *self.reference.shape[1:]))

    @abstractmethod
    def distance(self, reference: Tensor, generated: Tensor) -> dict[str, float]:
        """The logged values for these reference and generated samples (CPU, float32)."""
