"""HistologyPatches: crops of scikit-image's immunohistochemistry slide. No download needed.

The crops come from disjoint bands of the slide (see :class:`PictureCrops`).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import Tensor

from ginv_lightning.data.picture_crops import PictureCrops, d4_move


def load_slide() -> Tensor:
    """``skimage.data.immunohistochemistry()`` as (3, 512, 512) floats in [0, 1]."""
    from skimage.data import immunohistochemistry

    slide = np.asarray(immunohistochemistry(), dtype=np.float32) / 255.0
    return torch.from_numpy(slide).permute(2, 0, 1).contiguous()


class HistologyPatches(PictureCrops):
    """Crops of the 512x512 immunohistochemistry slide bundled with scikit-image (RGB).

    Invariant under D4 (quarter turns and mirrors): a tissue section has no up,
    down, left or right, so a patch and its rotations and mirror images are
    equally likely. Each crop is moved by one of the 8 elements of D4 drawn
    uniformly with ``seed``, which makes the data's law exactly D4-invariant.

    The slide is cut into vertical bands: the left 70% of its width (358
    columns with the default fractions) for training, the next 15% (77
    columns) for validation, the right 15% (77 columns) for testing. Crops lie
    wholly inside their band, so the splits share no pixel. By default 3,000
    crops (about 2,100 for training: 32 batches of 64). ``channels: 1`` gives
    the mean of the three colours. See :class:`PictureCrops` for the arguments.
    """

    picture_name = "immunohistochemistry slide"
    picture_shape = (512, 512)

    def picture(self) -> Tensor:
        return load_slide()

    def move(self, squares: Tensor, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        elements = torch.randint(0, 8, (len(squares),), generator=generator)
        return d4_move(squares, elements), elements
