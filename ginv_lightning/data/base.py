"""What every image data module shares: splits, subsampling and loaders."""

from __future__ import annotations

import numpy as np
import torch
from lightning.pytorch import LightningDataModule
from lightning.pytorch.utilities import rank_zero_warn
from torch import Tensor
from torch.utils.data import DataLoader, TensorDataset
from typing_extensions import override

from ginv_lightning.data.settings import require_positive
from ginv_lightning.data.splits import Split, split_indices, subsample
from ginv_lightning.errors import ConfigError, DataError
from ginv_lightning.shapes import ImageShape


def require_finite(values: Tensor | np.ndarray, source: str) -> None:
    """Refuse data with NaN or infinite values, naming where they came from.

    Checked where the data are read, before rescaling spreads a NaN or clamping
    hides an infinity: otherwise training runs until a loss becomes NaN, which
    blames the model for what is wrong with the data.
    """
    tensor = torch.as_tensor(values)
    bad = int((~torch.isfinite(tensor)).sum())
    if bad:
        raise DataError(
            f"{source}: {bad:,} of {tensor.numel():,} values are NaN or infinite; "
            "clean the data first"
        )


class ImageDataModule(LightningDataModule):
    """Images in [-1, 1] as an (N, C, H, W) tensor, split and subsampled by seed.

    Subclasses implement :meth:`load_images` (and may override :meth:`split`),
    and labelled data sets :meth:`load_labels`. Batches are single-element lists
    ``[images]``, or ``[images, labels]`` with ``labels: true``. A subclass for voxel grids,
    (N, C, D, H, W), sets ``grid_dims = 3``. ``data_shape`` is what ``ginv fit``
    links into the model.

    Args:
        image_size: edge length of the square images delivered.
        channels: 1 (grey) or 3 (RGB).
        batch_size: images per batch.
        num_train: keep this many training images (seeded, without replacement).
        fraction: or keep this fraction of them.
        val_fraction: share of all images held out for validation.
        test_fraction: share of all images held out for testing.
        seed: seed of the split, the subsample and any random preprocessing.
        num_workers: DataLoader worker processes.
        labels: deliver each image's class label too (for a class-conditional GAN);
            the number of classes reaches the model through ``data_shape``.
    """

    grid_dims = 2
    num_classes = 0  # labelled subclasses: how many classes their labels run over

    def __init__(
        self,
        image_size: int = 28,
        channels: int = 1,
        batch_size: int = 64,
        num_train: int | None = None,
        fraction: float | None = None,
        val_fraction: float = 0.15,
        test_fraction: float = 0.15,
        seed: int = 0,
        num_workers: int = 0,
        labels: bool = False,
    ) -> None:
        super().__init__()
        if channels not in (1, 3):
            raise ConfigError(f"data.channels must be 1 or 3, got {channels}")
        if image_size < 4:
            raise ConfigError(f"data.image_size must be >= 4, got {image_size}")
        require_positive(batch_size=batch_size)
        self.image_size = image_size
        self.channels = channels
        self.batch_size = batch_size
        self.num_train = num_train
        self.fraction = fraction
        self.val_fraction = val_fraction
        self.test_fraction = test_fraction
        self.seed = seed
        self.num_workers = num_workers
        self.labels = labels
        self._sets: dict[str, Tensor] | None = None
        self._labels: dict[str, Tensor] = {}

    @property
    def data_shape(self) -> ImageShape:
        """What the networks make and judge: channels, edge length and grid dimensions."""
        classes = self.class_count() if self.labels else 0
        return ImageShape(self.channels, self.image_size, self.grid_dims, classes)

    def load_images(self) -> Tensor:
        """All images, (N, channels) + (image_size,) * grid_dims, float in [-1, 1]."""
        raise NotImplementedError

    def class_count(self) -> int:
        """How many classes the labels run over (known before any image is read)."""
        if not self.num_classes:
            raise ConfigError(
                f"data.labels: {type(self).__name__} has no class labels; labels: true needs "
                "labelled data: RotDigits, RotMNIST, or ImageFiles with one sub-folder per class"
            )
        return self.num_classes

    def load_labels(self) -> Tensor:
        """Every image's class in ``[0, class_count())``, in the order of :meth:`load_images`."""
        raise NotImplementedError

    def split(self, images: Tensor) -> dict[str, Tensor]:
        """The images (or labels: anything indexed like them) of each part."""
        parts: Split = split_indices(len(images), self.val_fraction, self.test_fraction, self.seed)
        train = subsample(parts.train, self.num_train, self.fraction, self.seed)
        return {"train": images[train], "val": images[parts.val], "test": images[parts.test]}

    @override
    def setup(self, stage: str | None = None) -> None:
        if self._sets is None:
            images = self.load_images()
            require_finite(images, f"data ({type(self).__name__})")  # readers check their files
            sets = self.split(images)
            if self.labels:
                self.class_count()
                labels = self.load_labels()
                if len(labels) != len(images):
                    raise DataError(
                        f"data ({type(self).__name__}): {len(labels)} labels for "
                        f"{len(images)} images; give exactly one label per image"
                    )
                self._labels = self._checked_labels(self.split_labels(labels))
            self._sets = sets

    def split_labels(self, labels: Tensor) -> dict[str, Tensor]:
        """The labels of each part, cut exactly as :meth:`split` cuts the images."""
        return self.split(labels)

    def _checked_labels(self, labels: dict[str, Tensor]) -> dict[str, Tensor]:
        classes = self.class_count()
        for part, values in labels.items():
            outside = values[(values < 0) | (values >= classes)]
            if len(outside):
                raise DataError(
                    f"data ({type(self).__name__}): {part} label {int(outside[0])} is outside "
                    f"[0, {classes}); labels must be class indices 0..{classes - 1}"
                )
        return {part: values.long() for part, values in labels.items()}

    def images(self, part: str) -> Tensor:
        """The images of one part: ``train``, ``val`` or ``test``."""
        self.setup()
        assert self._sets is not None
        return self._sets[part]

    def class_labels(self, part: str) -> Tensor:
        """The class labels of one part (with ``labels: true``)."""
        self.setup()
        return self._labels[part]

    def _loader(self, part: str, shuffle: bool) -> DataLoader:
        data = self.images(part)
        tensors = (data, self.class_labels(part)) if self.labels else (data,)
        batch_size = min(self.batch_size, len(data))
        if part == "train" and batch_size < self.batch_size:
            rank_zero_warn(
                f"data.batch_size {self.batch_size} is larger than the {len(data)} training "
                f"images; using batches of {batch_size}"
            )
        return DataLoader(
            TensorDataset(*tensors),
            batch_size=batch_size,
            shuffle=shuffle,
            drop_last=shuffle,
            num_workers=self.num_workers,
        )

    @override
    def train_dataloader(self) -> DataLoader:
        return self._loader("train", shuffle=True)

    @override
    def val_dataloader(self) -> DataLoader:
        return self._loader("val", shuffle=False)

    @override
    def test_dataloader(self) -> DataLoader:
        return self._loader("test", shuffle=False)
