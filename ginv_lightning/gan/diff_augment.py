"""DiffAugment: the same random, differentiable transforms on real and generated images.

Zhao et al. (NeurIPS 2020) showed that a GAN trained on little data overfits
its discriminator, and that augmenting *both* real and generated images, in
both players' steps, with transforms the generator can differentiate through
stops it without leaking the transforms into the samples. This is what a
practitioner tries first on a small data set, so it is the fair rival of a
group-invariant discriminator. The transforms come from kornia.

For the dihedral groups of the image grid (C4, D4, flips) each policy's *law*
commutes with the group: colour acts on each pixel alone, and a shift or a
square cutout drawn uniformly from a square range is as likely as its turned
or mirrored copy. Augmented data therefore keep an invariant law, and an
invariant discriminator stays the right model for them.
"""

from __future__ import annotations

from collections.abc import Sequence

import kornia.augmentation as K
from torch import Tensor, nn

from ginv_lightning.errors import ConfigError
from ginv_lightning.shapes import DataShape, ImageShape

#: DiffAugment's three policies with its strengths, on images in [-1, 1]
POLICIES = ("color", "translation", "cutout")


class DiffAugment(nn.Module):
    """Applies each policy in ``policy`` to every image, with its own random draw.

    * ``color``: brightness ±0.25 of the range, saturation x[0, 2] (RGB only),
      contrast x[0.5, 1.5] (DiffAugment's ranges);
    * ``translation``: a shift of up to 1/8 of the side, whole pixels, zeros
      (mid-grey) shifted in;
    * ``cutout``: a square of half the side set to zero, anywhere in the image.
    """

    def __init__(self, policy: Sequence[str], channels: int) -> None:
        super().__init__()
        unknown = [name for name in policy if name not in POLICIES]
        if unknown or not policy:
            raise ConfigError(
                f"model.diff_augment: unknown policy {unknown or list(policy)}; "
                f"give a non-empty list of {', '.join(POLICIES)}"
            )
        self.policy = tuple(policy)
        saturation = 1.0 if channels == 3 else 0.0  # saturation needs colour
        self.color = K.ColorJiggle(brightness=0.25, contrast=0.5, saturation=saturation, p=1.0)
        self.translation = K.RandomAffine(
            degrees=0.0, translate=(0.125, 0.125), resample="nearest", p=1.0
        )
        self.cutout = K.RandomErasing(scale=(0.25, 0.25), ratio=(1.0, 1.0), value=0.0, p=1.0)

    def forward(self, x: Tensor) -> Tensor:
        for name in self.policy:
            x = self._color(x) if name == "color" else getattr(self, name)(x)
        return x

    def _color(self, x: Tensor) -> Tensor:
        """Colour transforms work on [0, 1]; the images live on [-1, 1]."""
        return self.color((x + 1) / 2) * 2 - 1

    def extra_repr(self) -> str:
        return f"policy={list(self.policy)}"


def diff_augment_for(policy: Sequence[str] | None, shape: DataShape) -> DiffAugment | None:
    """The GAN's DiffAugment for ``model.diff_augment`` (None: off); images only."""
    if policy is None:
        return None
    if not isinstance(shape, ImageShape) or shape.dims != 2:
        raise ConfigError(
            "model.diff_augment works on 2-D images; these data are not, so leave it null"
        )
    if shape.channels not in (1, 3):
        raise ConfigError(
            f"model.diff_augment needs 1 or 3 image channels, the data have {shape.channels}"
        )
    return DiffAugment(policy, shape.channels)
