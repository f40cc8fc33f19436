"""``fid_orbit``: is the generated law invariant? Generated images against themselves moved."""

from __future__ import annotations

import torch.nn.functional as F
from torch import Tensor, nn
from torchmetrics.image.fid import FrechetInceptionDistance

from ginv_lightning.metrics.features import GivenFeatures
from ginv_lightning.metrics.registry import Generated, GenerativeMetric, MetricContext


class CoarsePixels(nn.Module):
    """Images average-pooled to a 8x8 (or 4x4x4) grid: features that keep orientation.

    The orbit distance must see where things are, which a feature network
    trained with rotation augmentation has learnt to ignore.
    """

    def __init__(self, channels: int, dims: int) -> None:
        super().__init__()
        self.side = 8 if dims == 2 else 4
        self.dims = dims
        self.num_features = channels * self.side**dims

    def forward(self, images: Tensor) -> Tensor:
        pool = F.adaptive_avg_pool2d if self.dims == 2 else F.adaptive_avg_pool3d
        return pool(images, self.side).flatten(1)


class OrbitFID(GenerativeMetric):
    """The Fréchet distance between generated images and the same images moved by random
    group elements, on :class:`CoarsePixels`: near zero when the generated law is invariant."""

    name = "fid_orbit"
    keys = ("fid_orbit",)
    higher_is_better = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__(context)
        channels, dims = context.sample_shape[0], context.sample_dims - 1
        self.pixels = CoarsePixels(channels, dims)
        self.fid = FrechetInceptionDistance(
            feature=GivenFeatures(self.pixels.num_features), normalize=True
        )
        self.measuring = False

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        return context.sample_dims in (3, 4)  # images and voxel grids

    def begin_generated(self) -> None:
        self.measuring = True

    def update(self, generated: Generated) -> None:
        self.fid.update(self.pixels(generated.samples).double(), real=True)
        self.fid.update(self.pixels(generated.moved).double(), real=False)

    def compute(self) -> dict[str, Tensor]:
        if not self.measuring:  # e.g. only validation batches were seen
            return {}
        return {"fid_orbit": self.fid.compute()}

    def reset(self) -> None:
        super().reset()
        self.measuring = False
