"""Faces: the LFW face photographs bundled with scikit-image. No download needed."""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule
from ginv_lightning.data.transforms import to_signed


def load_faces(include_non_faces: bool = False) -> Tensor:
    """``skimage.data.lfw_subset()``, (N, 1, 25, 25) in [0, 1]: its first 100 images are
    faces, the other 100 background patches (kept only with ``include_non_faces``)."""
    from skimage.data import lfw_subset

    images = np.asarray(lfw_subset(), dtype=np.float32)
    if images.max() > 1:
        images = images / 255.0
    kept = images if include_non_faces else images[:100]
    return torch.from_numpy(kept).unsqueeze(1)


class Faces(ImageDataModule):
    """100 grey 25x25 face photographs from Labeled Faces in the Wild, resized to ``image_size``.

    Invariant under the left-right mirror (the ``flip`` group): faces are
    nearly mirror symmetric and people turn their heads left as often as right,
    so a photograph and its mirror image are about equally likely. The data are
    used as they are, with no mirrored copies added: the invariance is the
    law's, which is what makes this tiny set (70 training faces by default) the
    case where building the symmetry into the networks should matter most.
    That is the assumption; ``ginv data check`` does not confirm it on these 70
    faces (mirror distance 1.4 times the two-halves noise floor, see
    docs/data_check.md): the sample is small and lopsided, so treat the mirror
    as a prior here, not a measured fact.

    Split at random by ``seed`` (70/15/15) like RotDigits. ``channels: 3``
    repeats the grey level. ``include_non_faces`` adds the 100 background
    patches scikit-image ships with the faces (200 images; their law is mirror
    invariant too, but they are not faces).
    See :class:`ImageDataModule` for the other arguments.
    """

    def __init__(self, image_size: int = 24, include_non_faces: bool = False, **kwargs) -> None:
        super().__init__(image_size=image_size, **kwargs)
        self.include_non_faces = include_non_faces

    def load_images(self) -> Tensor:
        faces = load_faces(self.include_non_faces)
        size = (self.image_size, self.image_size)
        resized = F.interpolate(faces, size=size, mode="bilinear", antialias=True)
        return to_signed(resized).expand(-1, self.channels, -1, -1).contiguous()
