"""``swd``: the multi-scale sliced Wasserstein distance of images, which needs no network."""

from __future__ import annotations

import torch
from torch import Tensor

from ginv_lightning.metrics.registry import MetricContext, Reference
from ginv_lightning.metrics.sample_distance import SampleDistance
from ginv_lightning.metrics.sliced_wasserstein import PATCH, sliced_wasserstein_pyramid


class SlicedWasserstein(SampleDistance):
    """``swd`` (x 1e3) on Laplacian-pyramid patches, and per level ``swd_<side>``
    (:mod:`~ginv_lightning.metrics.sliced_wasserstein`).

    The reference kept is at most ``num_samples`` of it, evenly spaced; images
    smaller than one patch are not measured.
    """

    name = "swd"
    keys = ("swd",)
    headline = True
    higher_is_better = False

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

    def distance(self, reference: Tensor, generated: Tensor) -> dict[str, float]:
        config = self.context.config
        return sliced_wasserstein_pyramid(
            reference,
            generated,
            patches_per_image=config.swd_patches,
            projections=config.swd_projections,
            seed=config.seed,
        )
