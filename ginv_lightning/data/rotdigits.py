"""RotDigits: scikit-learn's 1,797 real handwritten digits, rotated. No download needed."""

from __future__ import annotations

import torch
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule
from ginv_lightning.data.transforms import fit_to_canvas, rotate, to_signed, uniform_angles


def load_digit_images() -> tuple[Tensor, Tensor]:
    """The 8x8 digits of ``sklearn.datasets.load_digits`` in [0, 1], and their labels."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    images = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    return images, torch.tensor(digits.target)


def rotated_digits(size: int, seed: int, channels: int = 1) -> tuple[Tensor, Tensor, Tensor]:
    """Every digit upsampled to 65% of ``size``, centred, rotated by a seeded uniform angle.

    The digit fits inside the inscribed circle, so rotation never clips it and
    the data set's law is (up to pixelisation) invariant under all rotations.
    Returns images in [-1, 1], labels, and angles.
    """
    images, labels = load_digit_images()
    canvas = fit_to_canvas(images, size, scale=0.65)
    angles = uniform_angles(len(images), seed)
    rotated = to_signed(rotate(canvas, angles))
    return rotated.expand(-1, channels, -1, -1).contiguous(), labels, angles


class RotDigits(ImageDataModule):
    """A small RotMNIST built from the 1,797 digits bundled with scikit-learn.

    Each digit (8x8 pixels, 16 grey levels) is upsampled, centred and rotated by
    an angle drawn uniformly from [0, 360) degrees with ``seed``. The default
    split keeps 70% for training (1,257 images), 15% for validation, 15% for test.
    With ``labels: true`` each image comes with its digit, 0 to 9 (a rotated digit
    keeps its class). See :class:`ImageDataModule` for the arguments.
    """

    num_classes = 10

    def load_images(self) -> Tensor:
        images, _, _ = rotated_digits(self.image_size, self.seed, self.channels)
        return images

    def load_labels(self) -> Tensor:
        return load_digit_images()[1]
