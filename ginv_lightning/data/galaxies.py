"""GalaxyPatches: rotated crops of scikit-image's Hubble deep field. No download needed."""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import Tensor

from ginv_lightning.data.picture_crops import PictureCrops
from ginv_lightning.data.transforms import rotate


def load_deep_field() -> Tensor:
    """``skimage.data.hubble_deep_field()`` as (3, 872, 1000) floats in [0, 1]."""
    from skimage.data import hubble_deep_field

    field = np.asarray(hubble_deep_field(), dtype=np.float32) / 255.0
    return torch.from_numpy(field).permute(2, 0, 1).contiguous()


class GalaxyPatches(PictureCrops):
    """Crops of the Hubble deep field bundled with scikit-image (RGB), rotated by uniform angles.

    Invariant under all rotations (SO2, and so C8 or any Cn): the sky has no
    preferred direction and galaxies are seen at every orientation. Around each
    seeded position a square ``ceil(sqrt(2) * crop_size) + 2`` pixels wide (or
    one more, to centre the crop exactly) is read, rotated about its centre by an
    angle drawn uniformly from [0, 360) degrees with ``seed``, and its central
    ``crop_size`` square kept: that square lies inside the rotated square's
    inscribed circle, so no corner is ever empty. Train, val and test crops come
    from disjoint vertical bands (70%, 15%, 15% of the width by default), as in
    :class:`PictureCrops`. By default 3,000 crops of 32 pixels (about 2,100 for
    training).
    """

    picture_name = "Hubble deep field"
    picture_shape = (872, 1000)

    def picture(self) -> Tensor:
        return load_deep_field()

    def read_size(self, crop: int) -> int:
        read = math.ceil(crop * math.sqrt(2)) + 2
        return read + (read - crop) % 2  # the same parity as the crop, so it sits at the centre

    def move(self, squares: Tensor, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        angles = torch.rand(len(squares), generator=generator, dtype=torch.float64)
        angles = (angles * 2 * math.pi).float()
        turned = rotate(squares, angles) if len(squares) else squares
        start = (squares.shape[-1] - self.crop_size) // 2
        end = start + self.crop_size
        return turned[..., start:end, start:end], angles
