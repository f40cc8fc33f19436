"""``swd``: the multi-scale sliced Wasserstein distance of images, which needs no network."""

from __future__ import annotations

import torch
from torch import Tensor
from torchmetrics import CatMetric

from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext, Reference
from ginv_lightning.metrics.sliced_wasserstein import PATCH, sliced_wasserstein_pyramid


class SlicedWasserstein(GenerativeMetric):
    """``swd`` (x 1e3) on Laplacian-pyramid patches, and per level ``swd_<side>``
    (:mod:`~ginv_lightning.metrics.sliced_wasserstein`).

    Every process keeps the whole reference (at most ``num_samples`` of it, evenly
    spaced) and its own generated images in a ``CatMetric``, which gathers them in
    rank order, i.e. in one process's order; each process then computes the same
    number from the same images.
    """

    name = "swd"
    keys = ("swd",)
    headline = True
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        self.reference: Tensor | None = None
        # flattened, so that a process without images gathers an empty tensor
        self.generated = CatMetric(nan_strategy="disable")

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.config.swd and context.sample_dims == 3  # 2-D images

    def add_reference(self, reference: Reference) -> None:
        samples = reference.samples
        if min(samples.shape[-2:]) < PATCH:
            return  # smaller than one patch
        kept = min(len(samples), self.context.config.num_samples)
        keep = torch.arange(kept) * len(samples) // kept  # evenly spaced, all if they fit
        self.reference = samples[keep].detach().float().cpu()

    def update(self, generated: Generated) -> None:
        if self.reference is not None:
            self.generated.update(generated.samples.detach().float().flatten())

    def compute(self) -> dict[str, float]:
        if self.reference is None:  # the same on every process: all compute, all gather
            return {}
        generated = self.generated.compute()
        if not isinstance(generated, Tensor) or generated.numel() == 0:
            return {}
        config = self.context.config
        return sliced_wasserstein_pyramid(
            self.reference,
            generated.cpu().reshape(-1, *self.reference.shape[1:]),
            patches_per_image=config.swd_patches,
            projections=config.swd_projections,
            seed=config.seed,
        )
