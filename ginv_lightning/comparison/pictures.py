"""What the compared models made: each cell's final samples, and one picture per table.

Each cell keeps ``SAMPLES`` samples of its final (EMA) generator from fixed
noise, and as many real test images, as tensors beside its record
(``<record>.samples.pt``, loadable with ``weights_only=True``) and as a PNG.
A table's ``<table>-samples.png`` has the real images in its first row, then
one row per fraction and config, in the table's order, from its first seed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch
from torch import Tensor

from ginv_lightning.sample_pictures import image_grid, save_samples

SAMPLES = 8
NOISE_SEED = 0


def samples_path(record: Path) -> Path:
    return record.with_name(record.stem + ".samples.pt")


def keep_samples(model: Any, data: Any, record: Path) -> None:
    """Save the cell's final samples (and real test images) beside its ``record``."""
    noise = torch.Generator().manual_seed(NOISE_SEED)
    fake = model.sample(SAMPLES, generator=noise).detach().cpu()
    real = _real_test_images(data, SAMPLES)
    torch.save({"fake": fake, "real": real}, samples_path(record))
    save_samples(model.shape, fake, record.with_suffix(".png"))


def _real_test_images(data: Any, n: int) -> Tensor:
    data.setup("test")
    images = []
    for batch in data.test_dataloader():
        images.append(batch[0] if isinstance(batch, (list, tuple)) else batch)
        if sum(len(b) for b in images) >= n:
            break
    return torch.cat(images)[:n].cpu().clone()  # a view would save the whole batch


def table_picture(rows: list[Path], path: Path) -> bool:
    """The real images of the first cell, then each cell's samples; False if not images.

    ``rows`` are the records of the cells shown, in order; cells without samples
    are skipped.
    """
    kept = [
        torch.load(samples_path(r), weights_only=True) for r in rows if samples_path(r).is_file()
    ]
    if not kept or kept[0]["fake"].dim() != 4:
        return False
    images = [kept[0]["real"], *(k["fake"] for k in kept)]
    grid = image_grid(torch.cat([_padded(i, SAMPLES) for i in images]), per_row=SAMPLES)
    from torchvision.utils import save_image

    save_image(grid, path)
    return True


def _padded(images: Tensor, n: int) -> Tensor:
    if len(images) >= n:
        return images[:n]
    return torch.cat([images, images.new_full((n - len(images), *images.shape[1:]), -1.0)])
