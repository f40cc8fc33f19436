"""A user's own images: a folder of image files or one ``.npz`` array."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Literal

import numpy as np
import torch
import torch.nn.functional as F
from lightning.pytorch.utilities import rank_zero_info
from torch import Tensor

from ginv_lightning.data.base import ImageDataModule, require_finite
from ginv_lightning.data.transforms import to_signed
from ginv_lightning.errors import ConfigError, DataError

if TYPE_CHECKING:
    from PIL.Image import Image

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


class ImageFiles(ImageDataModule):
    """Images from ``path``: a folder (searched recursively) or an ``.npz`` file.

    Images are made square and then resized to ``image_size``, and the data
    module says once what it did (how many images, from which sizes): a
    non-square image is center-cropped to its shorter side (``non_square: crop``)
    or refused (``non_square: refuse``), never stretched. An ``.npz`` file holds one array
    (or one named ``images``) of shape (N, H, W), (N, H, W, C) or (N, C, H, W),
    with values in [0, 1] or [0, 255]. Data whose channels differ from
    ``channels`` are refused rather than converted: grey files for an RGB model
    would train it on fake colour, colour files for a grey one would lose the
    colour unnoticed (colour-mode files whose pixels are all grey read as grey).

    With ``labels: true`` a folder holds one sub-folder per class (their names,
    sorted, are classes 0, 1, ...), and an ``.npz`` file an integer array
    ``labels`` beside ``images``. See :class:`ImageDataModule` for the other arguments.

    Args:
        path: a folder of image files (searched recursively) or an ``.npz`` file.
        non_square: what to do with images that are not square (they are never
            stretched): ``crop`` (the centre square of the shorter side) or
            ``refuse`` (a one-line error naming the first such file).
    """

    def __init__(self, path: str, non_square: Literal["crop", "refuse"] = "crop", **kwargs) -> None:
        super().__init__(**kwargs)
        if non_square not in ("crop", "refuse"):
            raise ConfigError(f"data.non_square must be crop or refuse, got {non_square!r}")
        self.path = Path(path)
        self.non_square = non_square

    @property
    def num_classes(self) -> int:  # type: ignore[override]
        """Class sub-folders holding images, or the classes of the npz ``labels`` array."""
        if self.path.is_dir():
            return len(self.class_names())
        if self.path.suffix == ".npz" and self.path.is_file():
            labels = self._npz_labels()
            return int(labels.max()) + 1 if len(labels) else 0
        return 0

    def class_names(self) -> list[str]:
        """The class sub-folders of a folder, sorted: their positions are the labels."""
        return sorted(
            folder.name
            for folder in self.path.iterdir()
            if folder.is_dir() and any(_image_files(folder))
        )

    def load_labels(self) -> Tensor:
        if self.path.is_dir():
            names = {name: index for index, name in enumerate(self.class_names())}
            files = _image_files(self.path)
            loose = [f for f in files if f.parent == self.path]
            if loose:
                raise DataError(
                    f"data.labels: {str(loose[0])!r} lies in no class sub-folder; with "
                    f"labels: true every image of {str(self.path)!r} must be in one"
                )
            return torch.tensor([names[f.relative_to(self.path).parts[0]] for f in files])
        return torch.from_numpy(self._npz_labels())

    def _npz_labels(self) -> np.ndarray:
        try:
            with np.load(self.path) as archive:
                if "labels" not in archive:
                    return np.zeros(0, dtype=np.int64)
                labels = np.asarray(archive["labels"])
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {str(self.path)!r} as .npz: {exc}") from None
        if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer) or labels.min() < 0:
            raise DataError(
                f"{str(self.path)!r}: labels must be a 1-D array of class indices >= 0, "
                f"got dtype {labels.dtype}, shape {labels.shape}"
            )
        return labels.astype(np.int64)

    def load_images(self) -> Tensor:
        if not self.path.exists():
            raise DataError(
                f"data.path {str(self.path)!r} does not exist; give a folder of images "
                f"({', '.join(IMAGE_SUFFIXES)}) or an .npz file"
            )
        changes = Changes(self.image_size)
        if self.path.is_dir():
            images = self._read_folder(changes)
        elif self.path.suffix == ".npz":
            images = self._square(self._read_npz(), changes)
        else:
            raise DataError(f"data.path {str(self.path)!r} must be a folder or an .npz file")
        changes.report(str(self.path))
        resized = F.interpolate(
            images, size=(self.image_size, self.image_size), mode="bilinear", antialias=True
        )
        return to_signed(resized)

    def _square(self, images: Tensor, changes: Changes) -> Tensor:
        """An .npz array's images: center-cropped if not square (or refused), sizes noted."""
        height, width = images.shape[-2:]
        if height != width:
            self._check_non_square(str(self.path), width, height)
            left, top, side = _centre_square(width, height)
            images = images[..., top : top + side, left : left + side]
            changes.cropped[(width, height)] += len(images)
        changes.resized[images.shape[-1]] += len(images)
        return images

    def _check_non_square(self, what: str, width: int, height: int) -> None:
        if self.non_square == "refuse":
            raise DataError(
                f"{what} is {width}x{height} px, not square, and data.init_args.non_square is "
                "refuse; make the images square, or set non_square: crop to center-crop them"
            )

    def _read_folder(self, changes: Changes) -> Tensor:
        from PIL import Image, UnidentifiedImageError

        files = _image_files(self.path)
        if not files:
            raise DataError(
                f"no image files ({', '.join(IMAGE_SUFFIXES)}) found under {str(self.path)!r}"
            )
        mode = "L" if self.channels == 1 else "RGB"
        arrays = []
        for file in files:
            try:
                with Image.open(file) as image:
                    self._check_file_channels(file, image)
                    image = image.convert(mode)
                    width, height = image.size
                    if width != height:
                        self._check_non_square(f"image file {str(file)!r}", width, height)
                        left, top, side = _centre_square(width, height)
                        image = image.crop((left, top, left + side, top + side))
                        changes.cropped[(width, height)] += 1
                    changes.resized[image.size[0]] += 1
                    image = image.resize((self.image_size, self.image_size))
                    arrays.append(np.asarray(image, dtype=np.float32) / 255.0)
            except DataError:
                raise
            except (UnidentifiedImageError, OSError, ValueError) as exc:
                raise DataError(f"cannot read image file {str(file)!r}: {exc}") from None
        stacked = torch.from_numpy(np.stack(arrays))
        return stacked.unsqueeze(1) if self.channels == 1 else stacked.permute(0, 3, 1, 2)

    def _check_file_channels(self, file: Path, image: Image) -> None:
        """Refuse a grey file for 3 channels, or a file in actual colour for 1."""
        grey_mode = image.mode != "P" and len(set(image.getbands()) - {"A"}) == 1
        if self.channels == 3 and grey_mode:
            raise self._mismatch(f"image file {str(file)!r} is grey", 1)
        if self.channels == 1 and not grey_mode:
            rgb = np.asarray(image.convert("RGB"))
            if (rgb != rgb[..., :1]).any():
                raise self._mismatch(f"image file {str(file)!r} is in colour", 3)

    def _mismatch(self, what: str, found: int) -> DataError:
        kind = {1: "grey", 3: "RGB"}[found]
        return DataError(
            f"{what} ({found} channel{'s' * (found > 1)}) but data.init_args.channels is "
            f"{self.channels}; set data.init_args.channels {found} to train on {kind} images, "
            f"or convert the data to {self.channels} channel{'s' * (self.channels > 1)} first"
        )

    def _read_npz(self) -> Tensor:
        try:
            with np.load(self.path) as archive:
                keys = [k for k in archive if k != "labels"]
                key = "images" if "images" in keys else keys[0] if len(keys) == 1 else None
                if key is None:
                    raise DataError(
                        f"{str(self.path)!r} holds arrays {keys}; name the images array 'images'"
                    )
                array = np.asarray(archive[key], dtype=np.float32)
        except (OSError, ValueError) as exc:
            raise DataError(f"cannot read {str(self.path)!r} as .npz: {exc}") from None
        require_finite(array, f"data.path {str(self.path)!r}")
        return self._channels_first(array)

    def _channels_first(self, array: np.ndarray) -> Tensor:
        if array.max(initial=0) > 1.0:
            array = array / 255.0
        if array.ndim == 3:
            tensor = torch.from_numpy(array).unsqueeze(1)
        elif array.ndim == 4 and array.shape[1] in (1, 3):
            tensor = torch.from_numpy(array)
        elif array.ndim == 4 and array.shape[-1] in (1, 3):
            tensor = torch.from_numpy(array).permute(0, 3, 1, 2)
        else:
            raise DataError(
                f"{str(self.path)!r}: images must be (N, H, W), (N, H, W, C) or (N, C, H, W) "
                f"with C in (1, 3), got shape {array.shape}"
            )
        if tensor.shape[1] != self.channels:
            raise self._mismatch(
                f"data.path {str(self.path)!r} holds images of shape {array.shape}", tensor.shape[1]
            )
        return tensor.contiguous()


class Changes:
    """What loading did to the images, said once: crops of non-square ones, resized sizes."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.cropped: Counter[tuple[int, int]] = Counter()
        self.resized: Counter[int] = Counter()  # square side before resizing -> images

    def report(self, source: str) -> None:
        lines = []
        if self.cropped:
            sizes = ", ".join(f"{n} of {w}x{h}" for (w, h), n in sorted(self.cropped.items()))
            lines.append(f"center-cropped {sum(self.cropped.values())} non-square images "
                         f"to squares ({sizes})")  # fmt: skip
        changed = {side: n for side, n in self.resized.items() if side != self.size}
        if changed:
            sizes = ", ".join(
                f"{n} from {side}x{side} ({'up' if side < self.size else 'down'}scaled)"
                for side, n in sorted(changed.items())
            )
            lines.append(f"resized {sum(changed.values())} images to {self.size}x{self.size}: "
                         f"{sizes}")  # fmt: skip
        if lines:
            rank_zero_info(f"ImageFiles {source!r}: " + "; ".join(lines))


def _centre_square(width: int, height: int) -> tuple[int, int, int]:
    """Left, top and side of the largest centred square of a ``width`` x ``height`` image."""
    side = min(width, height)
    return (width - side) // 2, (height - side) // 2, side


def _image_files(folder: Path) -> list[Path]:
    """Every image file under ``folder``, recursively, in a fixed order."""
    return sorted(p for p in folder.rglob("*") if p.suffix.lower() in IMAGE_SUFFIXES)
