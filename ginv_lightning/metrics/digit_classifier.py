"""A small CNN that recognises rotated handwritten digits; its features serve FID/KID.

FIDs on MNIST-like data in this line of work use a domain network rather than
Inception. This one is trained on RotDigits with full-rotation augmentation
(``python -m ginv_lightning.metrics.train_digits`` reproduces the shipped
weights) and is deliberately *not* rotation-invariant by construction, so that
its features still see orientation: an invariant feature map would hide a
generator that draws only upright digits.
"""

from __future__ import annotations

from pathlib import Path

import torch.nn.functional as F
from torch import Tensor, nn

from ginv_lightning.metrics.shipped_weights import load_weights, shipped_path

INPUT_SIZE = 28
FEATURES = 64
WEIGHTS = "digits.pt"


class DigitClassifier(nn.Module):
    """28x28 grey digits in [-1, 1] -> 10 logits; :meth:`features` gives 64 numbers.

    Inputs of another size or with 3 channels are converted (mean over channels,
    bilinear resize), so any image the GANs here produce can be scored.
    """

    num_features = FEATURES

    def __init__(self) -> None:
        super().__init__()

        def block(cin: int, cout: int) -> list[nn.Module]:
            return [nn.Conv2d(cin, cout, 3, padding=1), nn.BatchNorm2d(cout), nn.ReLU()]

        self.body = nn.Sequential(
            *block(1, 32), *block(32, 32), nn.MaxPool2d(2),
            *block(32, 64), *block(64, 64), nn.MaxPool2d(2),
            *block(64, 96), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
            nn.Linear(96, FEATURES), nn.ReLU(),
        )  # fmt: skip
        self.classify = nn.Linear(FEATURES, 10)

    @staticmethod
    def prepare(images: Tensor) -> Tensor:
        grey = images.float().mean(1, keepdim=True)
        if grey.shape[-1] != INPUT_SIZE or grey.shape[-2] != INPUT_SIZE:
            grey = F.interpolate(grey, size=(INPUT_SIZE, INPUT_SIZE), mode="bilinear")
        return grey

    def features(self, images: Tensor) -> Tensor:
        return self.body(self.prepare(images))

    def forward(self, images: Tensor) -> Tensor:
        return self.classify(self.features(images))


def shipped_weights() -> Path:
    return shipped_path(WEIGHTS)


def load_digit_classifier(path: str | Path | None = None) -> DigitClassifier:
    """The classifier with the shipped (or given) weights, in eval mode, loaded weights-only."""
    return load_weights(DigitClassifier(), Path(path or shipped_weights()), "digit classifier")
