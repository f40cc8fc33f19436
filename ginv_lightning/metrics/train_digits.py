"""Reproduce the shipped digit-classifier weights.

Run ``python -m ginv_lightning.metrics.train_digits``.

Trains on the RotDigits training split (seed 0) with a fresh random rotation,
scale and shift of every digit at every epoch, then reports accuracy on the
held-out test split, each test digit seen at 10 seeded random angles.
"""

from __future__ import annotations

import argparse
import math

import torch
import torch.nn.functional as F
from torch import Tensor

from ginv_lightning.data.rotdigits import load_digit_images
from ginv_lightning.data.splits import split_indices
from ginv_lightning.data.transforms import fit_to_canvas, rotate, to_signed
from ginv_lightning.metrics.digit_classifier import INPUT_SIZE, DigitClassifier, shipped_weights
from ginv_lightning.metrics.shipped_weights import save_half

SPLIT_SEED = 0


def digit_splits() -> tuple[tuple[Tensor, Tensor], tuple[Tensor, Tensor]]:
    """(train images, labels), (test images, labels): unrotated 8x8 digits, RotDigits' split."""
    images, labels = load_digit_images()
    parts = split_indices(len(images), 0.15, 0.15, SPLIT_SEED)
    return (images[parts.train], labels[parts.train]), (images[parts.test], labels[parts.test])


def rotated_views(images: Tensor, generator: torch.Generator, jitter: bool) -> Tensor:
    """Digits on a 28-px canvas at uniform random angles (with scale/shift jitter if asked)."""
    n = len(images)
    scale = 0.55 + 0.2 * torch.rand(1, generator=generator).item() if jitter else 0.65
    canvas = fit_to_canvas(images, INPUT_SIZE, scale=scale)
    if jitter:
        shifts = torch.randint(-2, 3, (2,), generator=generator).tolist()
        canvas = torch.roll(canvas, shifts=shifts, dims=(-2, -1))
    angles = torch.rand(n, generator=generator) * 2 * math.pi
    return to_signed(rotate(canvas, angles))


def accuracy(model: DigitClassifier, images: Tensor, labels: Tensor, views: int = 10) -> float:
    """Share of correct predictions over ``views`` seeded random rotations of each digit."""
    generator = torch.Generator().manual_seed(1234)
    correct = total = 0
    model.eval()
    with torch.no_grad():
        for _ in range(views):
            predictions = model(rotated_views(images, generator, jitter=False)).argmax(1)
            correct += int((predictions == labels).sum())
            total += len(labels)
    return correct / total


def train(epochs: int, seed: int) -> DigitClassifier:
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    (images, labels), _ = digit_splits()
    model = DigitClassifier()
    optimizer = torch.optim.AdamW(model.parameters(), lr=3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(
        optimizer, max_lr=3e-3, total_steps=epochs * math.ceil(len(images) / 64)
    )
    for epoch in range(epochs):
        model.train()
        order = torch.randperm(len(images), generator=generator)
        for start in range(0, len(images), 64):
            batch = order[start : start + 64]
            views = rotated_views(images[batch], generator, jitter=True)
            loss = F.cross_entropy(model(views), labels[batch], label_smoothing=0.05)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
        if (epoch + 1) % 10 == 0:
            print(f"epoch {epoch + 1}: loss {loss.item():.3f}")
    return model.eval()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--epochs", type=int, default=120)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(shipped_weights()))
    args = parser.parse_args()
    model = train(args.epochs, args.seed)
    _, (test_images, test_labels) = digit_splits()
    print(f"held-out rotated test accuracy: {accuracy(model, test_images, test_labels):.4f}")
    save_half(model, args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
