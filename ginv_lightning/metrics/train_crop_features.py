"""Reproduce the shipped histology feature weights, and check them before trusting them.

Run ``python -m ginv_lightning.metrics.train_crop_features``.

Trains :class:`~ginv_lightning.metrics.crop_features.CropAutoencoder` on fresh
random 32 px crops of the slide's training band only (the columns that
``HistologyPatches`` trains on; never its validation or test bands), each moved
by a random D4 element, with an L1 reconstruction loss, and standardises the
features over fresh training-band crops (:func:`calibrate`). Then it prints the
validation of :func:`validate`: the FID between real test crops and the same
crops blurred, noised, colour-shifted or JPEG-compressed, at rising strengths,
beside the FID of two halves of the test crops and of train-band against
test-band crops.
"""

from __future__ import annotations

import argparse
import io
from collections.abc import Callable
from dataclasses import dataclass

import torch
import torch.nn.functional as F
import torchvision.transforms.functional as TF
from PIL import Image
from torch import Tensor

from ginv_lightning.data.histology import HistologyPatches, load_slide
from ginv_lightning.data.picture_crops import bands, d4_move
from ginv_lightning.data.transforms import to_signed
from ginv_lightning.metrics.crop_features import CropAutoencoder, shipped_weights
from ginv_lightning.metrics.features import frechet_distance
from ginv_lightning.metrics.shipped_weights import save_half

CROP = 32
# what the validation applies, at rising strengths
DISTORTIONS: dict[str, tuple[float, ...]] = {
    "blur (sigma, px)": (0.5, 1.0, 1.5, 2.0),
    "noise (std)": (0.02, 0.05, 0.1, 0.2),
    "hue shift": (0.02, 0.05, 0.1, 0.2),
    "JPEG (100 - quality)": (50, 70, 85, 95),
}


def training_band() -> tuple[int, int]:
    """Columns [start, stop) of the slide that HistologyPatches trains on (default fractions)."""
    data = HistologyPatches()
    return bands(data.picture_shape[1], data.val_fraction, data.test_fraction)["train"]


def random_crops(slide: Tensor, n: int, generator: torch.Generator) -> Tensor:
    """``n`` D4-moved 32 px crops in [-1, 1] from the training band of ``slide`` (3, H, W)."""
    start, stop = training_band()
    tops = torch.randint(0, slide.shape[1] - CROP + 1, (n,), generator=generator)
    lefts = torch.randint(start, stop - CROP + 1, (n,), generator=generator)
    crops = torch.stack([slide[:, t : t + CROP, s : s + CROP]
                         for t, s in zip(tops.tolist(), lefts.tolist(), strict=True)])  # fmt: skip
    return to_signed(d4_move(crops, torch.randint(0, 8, (n,), generator=generator)))


def train(steps: int, seed: int, batch: int = 64) -> CropAutoencoder:
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    slide = load_slide()
    model = CropAutoencoder()
    optimizer = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, max_lr=2e-3, total_steps=steps)
    model.train()
    for step in range(steps):
        crops = random_crops(slide, batch, generator)
        loss = F.l1_loss(model(crops), crops)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        if (step + 1) % 500 == 0:
            print(f"step {step + 1}: L1 {loss.item():.4f}", flush=True)
    return model.eval()


def calibrate(model: CropAutoencoder, seed: int, n: int = 2000) -> None:
    """Set the features' standardisation from ``n`` fresh training-band crops."""
    crops = random_crops(load_slide(), n, torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        statistics = model.statistics(crops)
    model.feature_mean.copy_(statistics.mean(0))
    model.feature_scale.copy_(statistics.std(0) + 1e-6)


def distort(images: Tensor, kind: str, strength: float, seed: int = 0) -> Tensor:
    """``images`` in [-1, 1] after one of :data:`DISTORTIONS` at ``strength``."""
    unit = (images + 1) / 2
    if kind.startswith("blur"):
        out = TF.gaussian_blur(unit, kernel_size=2 * round(3 * strength) + 1, sigma=strength)
    elif kind.startswith("noise"):
        generator = torch.Generator().manual_seed(seed)
        out = unit + strength * torch.randn(unit.shape, generator=generator)
    elif kind.startswith("hue"):
        out = TF.adjust_hue(unit, strength)
    elif kind.startswith("JPEG"):
        out = torch.stack([_jpeg(image, round(100 - strength)) for image in unit])
    else:
        raise ValueError(f"unknown distortion {kind!r}; known: {', '.join(DISTORTIONS)}")
    return out.clamp(0, 1) * 2 - 1


def _jpeg(image: Tensor, quality: int) -> Tensor:
    buffer = io.BytesIO()
    TF.to_pil_image(image).save(buffer, format="JPEG", quality=quality)
    buffer.seek(0)
    return TF.to_tensor(Image.open(buffer).convert("RGB"))


def fid_on(features: Callable[[Tensor], Tensor], real: Tensor, other: Tensor) -> float:
    """FID between two sets of images on ``features`` (torchmetrics' Fréchet distance)."""
    with torch.no_grad():
        return frechet_distance(features(real), features(other))


@dataclass(frozen=True)
class Validation:
    """FIDs that show what the features see (see :func:`validate`)."""

    within_band: float  # two halves of the test crops: the sampling noise of ~225 crops
    across_bands: float  # train-band crops against test-band crops: different tissue
    distortions: dict[str, list[float]]  # test crops against themselves distorted


def validate(
    features: Callable[[Tensor], Tensor], distortions: dict[str, tuple[float, ...]] | None = None
) -> Validation:
    """FIDs between HistologyPatches' crops (seed 0, 32 px), plain and distorted.

    Per distortion, the test crops against the same crops distorted at each
    strength; for scale, two random halves of the test crops, and the train
    crops against the test crops.
    """
    data = HistologyPatches()
    test, train_crops = data.images("test"), data.images("train")
    halves = torch.randperm(len(test), generator=torch.Generator().manual_seed(0)).chunk(2)
    distorted = {
        kind: [fid_on(features, test, distort(test, kind, s)) for s in strengths]
        for kind, strengths in (distortions or DISTORTIONS).items()
    }
    return Validation(
        within_band=fid_on(features, test[halves[0]], test[halves[1]]),
        across_bands=fid_on(features, test, train_crops),
        distortions=distorted,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--steps", type=int, default=4000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(shipped_weights()))
    args = parser.parse_args()
    model = train(args.steps, args.seed)
    shipped = {k: v.half().float() for k, v in model.state_dict().items()}
    model.load_state_dict(shipped)  # calibrated as it will be loaded
    calibrate(model, args.seed)
    checked = validate(model.features)
    print(f"FID, two halves of the test crops: {checked.within_band:.2f}")
    print(f"FID, train-band vs test-band crops: {checked.across_bands:.2f}")
    for kind, values in checked.distortions.items():
        strengths = ", ".join(f"{s:g}" for s in DISTORTIONS[kind])
        print(f"FID, test crops vs {kind} at {strengths}: {', '.join(f'{v:.2f}' for v in values)}")
    save_half(model, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
