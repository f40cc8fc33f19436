"""PictureCrops: what every data set of crops of one large picture shares.

Train, validation and test crops come from disjoint vertical bands of the
picture, so no pixel is seen by two splits; each crop may be moved by a random
D4 element (the picture has no orientation of its own).
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule
from ginv_lightning.data.settings import require_positive
from ginv_lightning.data.splits import split_indices, subsample
from ginv_lightning.data.transforms import to_signed
from ginv_lightning.errors import ConfigError, DataError

PARTS = ("train", "val", "test")


def bands(width: int, val_fraction: float, test_fraction: float) -> dict[str, tuple[int, int]]:
    """Columns [start, stop) of the train, val and test bands, left to right.

    The val and test bands take ``round(width * fraction)`` columns each, the
    train band the rest; together they tile ``range(width)`` without overlap.
    """
    split_indices(0, val_fraction, test_fraction, 0)  # the same checks (and messages) as there
    n_val, n_test = round(width * val_fraction), round(width * test_fraction)
    n_train = width - n_val - n_test
    return {
        "train": (0, n_train),
        "val": (n_train, n_train + n_val),
        "test": (n_train + n_val, width),
    }


def d4_move(images: Tensor, elements: Tensor) -> Tensor:
    """Move each (C, S, S) image by its D4 element k in 0..7: k % 4 quarter turns, then a
    left-right mirror if k >= 4. Exact on the pixel grid, no interpolation."""
    moved = images.clone()
    for k in range(8):
        chosen = elements == k
        if chosen.any():
            turned = torch.rot90(images[chosen], k % 4, dims=(-2, -1))
            moved[chosen] = turned.flip(-1) if k >= 4 else turned
    return moved


class PictureCrops(ImageDataModule):
    """Square crops of one large picture, each split cut from its own vertical band.

    The picture's width is cut into a train band on the left (the share left
    over by ``val_fraction`` and ``test_fraction``), then a val band and a test
    band; a crop (with whatever margin :meth:`read_size` needs) lies wholly
    inside its band. Positions and moves are drawn per split from ``seed``, so
    the val and test crops do not depend on ``num_train`` or ``fraction``.
    Subclasses give the picture and how each crop is moved.

    Args:
        image_size: edge length of the crops delivered.
        channels: 3 (RGB) or 1 (the mean of the three colours).
        crop_size: picture pixels per crop edge (default ``image_size``); crops are
            resized to ``image_size``.
        num_crops: crops in all, shared among the splits in proportion to their
            bands' widths; ``num_train`` / ``fraction`` then subsample the train crops.
        kwargs: see :class:`ImageDataModule`.
    """

    picture_name = "picture"
    picture_shape = (0, 0)  # (height, width), known before the picture is read

    def __init__(
        self,
        image_size: int = 32,
        channels: int = 3,
        crop_size: int | None = None,
        num_crops: int = 3000,
        **kwargs,
    ) -> None:
        super().__init__(image_size=image_size, channels=channels, **kwargs)
        self.crop_size = self.image_size if crop_size is None else crop_size
        require_positive(crop_size=self.crop_size, num_crops=num_crops)
        self.num_crops = num_crops
        self.boxes: dict[str, Tensor] = {}  # per split: (top, left) of each read square
        self.moves: dict[str, Tensor] = {}  # per split: what moved each crop
        self._check_fit()

    def picture(self) -> Tensor:
        """The picture, (3, H, W) float in [0, 1]."""
        raise NotImplementedError

    def read_size(self, crop: int) -> int:
        """Edge of the square read around a crop of edge ``crop`` (the crop itself here)."""
        return crop

    def move(self, squares: Tensor, generator: torch.Generator) -> tuple[Tensor, Tensor]:
        """The crops cut from the read squares after a random move, and the moves."""
        raise NotImplementedError

    def regions(self) -> dict[str, tuple[int, int]]:
        """Columns [start, stop) of the picture each split crops from."""
        return bands(self.picture_shape[1], self.val_fraction, self.test_fraction)

    def _check_fit(self) -> None:
        height, width = self.picture_shape
        read = self.read_size(self.crop_size)
        for part, (start, stop) in self.regions().items():
            room = min(stop - start, height)
            if stop == start or read <= room:
                continue
            largest = max((c for c in range(1, room + 1) if self.read_size(c) <= room), default=0)
            margin = f" (read as {read}x{read} pixels)" if read != self.crop_size else ""
            raise ConfigError(
                f"{type(self).__name__}: data.crop_size {self.crop_size}{margin} does not fit "
                f"the {stop - start}-pixel-wide {part} band of the {height}x{width} "
                f"{self.picture_name}; accepted: data.crop_size (default data.image_size) at "
                f"most {largest}, or a wider band (data.val_fraction, data.test_fraction)"
            )

    def load_images(self) -> Tensor:
        picture = self.picture()
        if tuple(picture.shape[1:]) != self.picture_shape:
            raise DataError(
                f"the {self.picture_name} is {tuple(picture.shape[1:])}, expected "
                f"{self.picture_shape}; is scikit-image's copy different?"
            )
        height, width = self.picture_shape
        read = self.read_size(self.crop_size)
        parts = []
        for index, (part, (start, stop)) in enumerate(self.regions().items()):
            count = round(self.num_crops * (stop - start) / width) if stop > start else 0
            generator = torch.Generator().manual_seed(self.seed * len(PARTS) + index)
            tops = torch.randint(0, height - read + 1, (count,), generator=generator)
            lefts = torch.randint(start, max(start, stop - read) + 1, (count,), generator=generator)
            squares = [
                picture[:, t : t + read, s : s + read]
                for t, s in zip(tops.tolist(), lefts.tolist(), strict=True)
            ]
            stacked = torch.stack(squares) if squares else picture.new_zeros(0, 3, read, read)
            crops, self.moves[part] = self.move(stacked, generator)
            self.boxes[part] = torch.stack([tops, lefts], 1)
            parts.append(self._finish(crops))
        return torch.cat(parts)

    def _finish(self, crops: Tensor) -> Tensor:
        if self.image_size != self.crop_size and len(crops):
            crops = F.interpolate(crops, size=self.image_size, mode="bilinear", antialias=True)
        if self.channels == 1:
            crops = crops.mean(1, keepdim=True)
        return to_signed(crops).contiguous()

    def split(self, images: Tensor) -> dict[str, Tensor]:
        counts = [len(self.boxes[part]) for part in PARTS]
        train, val, test = torch.split(images, counts)
        kept = subsample(torch.arange(len(train)), self.num_train, self.fraction, self.seed)
        return {"train": train[kept], "val": val, "test": test}
