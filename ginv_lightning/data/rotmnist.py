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


def read_amat(path: Path) -> tuple[Tensor, Tensor]:
    """Rows of 784 pixel values in [0, 1] followed by a label -> (N, 1, 28, 28) images, labels."""
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
    labels = torch.from_numpy(rows[:, 784]).round().long()
    return torch.from_numpy(pixels).reshape(-1, 1, 28, 28), labels


class RotMNIST(ImageDataModule):
    """Rotated MNIST: 12,000 training/validation images and 50,000 test images.

    Reads ``mnist_all_rotation_normalized_float_train_valid.amat`` and
    ``mnist_all_rotation_normalized_float_test.amat`` from ``data_dir`` (unzip
    ``mnist_rotation_new.zip`` there; nothing is downloaded). Validation is a
    seeded ``val_fraction`` of the train_valid file; the test split is the
    official test file. With ``labels: true`` each image comes with its digit
    (the files' last column). See :class:`ImageDataModule` for the other arguments.
    """

    num_classes = 10

    def __init__(self, data_dir: str, **kwargs) -> None:
        kwargs.setdefault("val_fraction", 2000 / 12000)
        kwargs.setdefault("test_fraction", 0.0)
        super().__init__(**kwargs)
        if self.channels != 1:
            raise ConfigError("RotMNIST images are grey: data.channels must be 1")
        self.data_dir = Path(data_dir)
        self._file_labels: dict[Path, Tensor] = {}  # each file's labels, kept as it is read

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

    def _read(self, path: Path) -> Tensor:
        images, self._file_labels[path] = read_amat(path)
        return self._prepare(images)

    def load_images(self) -> Tensor:
        train_file, _ = self._files()
        return self._read(train_file)

    def load_labels(self) -> Tensor:
        return self._file_labels[self._files()[0]]

    def split(self, images: Tensor) -> dict[str, Tensor]:
        parts = super().split(images)
        _, test_file = self._files()
        parts["test"] = self._read(test_file)
        return parts

    def split_labels(self, labels: Tensor) -> dict[str, Tensor]:
        parts = super().split(labels)
        parts["test"] = self._file_labels[self._files()[1]]
        return parts
