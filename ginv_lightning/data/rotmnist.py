"""RotMNIST from the standard ``mnist_rotation_new`` files (Larochelle et al., 2007)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule, require_finite
from ginv_lightning.data.transforms import to_signed
from ginv_lightning.errors import ConfigError, DataError

TRAIN_FILE = "mnist_all_rotation_normalized_float_train_valid.amat"
TEST_FILE = "mnist_all_rotation_normalized_float_test.amat"
SOURCE = (
    "mnist_rotation_new.zip from "
    "http://www.iro.umontreal.ca/~lisa/icml2007data/mnist_rotation_new.zip"
)


def read_amat(path: Path) -> Tensor:
    """Rows of 784 pixel values in [0, 1] followed by a label -> (N, 1, 28, 28) images."""
    try:
        rows = np.loadtxt(path, dtype=np.float32, ndmin=2)
    except ValueError as exc:
        raise DataError(f"cannot parse {str(path)!r} as an .amat file: {exc}") from None
    if rows.shape[1] != 785:
        raise DataError(
            f"{str(path)!r}: expected 785 numbers per line (784 pixels and a label), "
            f"got {rows.shape[1]}"
        )
    pixels = rows[:, :784]
    require_finite(pixels, repr(str(path)))
    return torch.from_numpy(pixels).reshape(-1, 1, 28, 28)


class RotMNIST(ImageDataModule):
    """Rotated MNIST: 12,000 training/validation images and 50,000 test images.

    Reads ``mnist_all_rotation_normalized_float_train_valid.amat`` and
    ``mnist_all_rotation_normalized_float_test.amat`` from ``data_dir`` (unzip
    ``mnist_rotation_new.zip`` there; nothing is downloaded). Validation is a
    seeded ``val_fraction`` of the train_valid file; the test split is the
    official test file. See :class:`ImageDataModule` for the other arguments.
    """

    def __init__(self, data_dir: str, **kwargs) -> None:
        kwargs.setdefault("val_fraction", 2000 / 12000)
        kwargs.setdefault("test_fraction", 0.0)
        super().__init__(**kwargs)
        if self.channels != 1:
            raise ConfigError("RotMNIST images are grey: data.channels must be 1")
        self.data_dir = Path(data_dir)

    def _files(self) -> tuple[Path, Path]:
        if not self.data_dir.is_dir():
            raise DataError(
                f"RotMNIST data_dir {str(self.data_dir)!r} is not a directory; it must hold "
                f"{TRAIN_FILE} and {TEST_FILE}, from {SOURCE}"
            )
        files = (self.data_dir / TRAIN_FILE, self.data_dir / TEST_FILE)
        missing = [f.name for f in files if not f.is_file()]
        if missing:
            raise DataError(
                f"RotMNIST files missing in {str(self.data_dir)!r}: {', '.join(missing)}. "
                f"They come from {SOURCE}; unzip it into that directory"
            )
        return files

    def _prepare(self, images: Tensor) -> Tensor:
        if self.image_size != 28:
            images = F.interpolate(images, size=(self.image_size,) * 2, mode="bilinear")
        return to_signed(images)

    def load_images(self) -> Tensor:
        train_file, _ = self._files()
        return self._prepare(read_amat(train_file))

    def split(self, images: Tensor) -> dict[str, Tensor]:
        parts = super().split(images)
        _, test_file = self._files()
        parts["test"] = self._prepare(read_amat(test_file))
        return parts
