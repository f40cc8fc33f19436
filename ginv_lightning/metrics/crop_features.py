"""A feature network for colour tissue crops, so FID/KID mean something on histology.

No pretrained image network can be loaded offline (Inception is a download), and
a network trained on other pictures would not know what matters in these. This
one is a convolutional autoencoder trained only on crops of the training band
of scikit-image's immunohistochemistry slide
(``python -m ginv_lightning.metrics.train_crop_features`` reproduces the shipped
weights). To reconstruct a crop its code must keep colour and layout; the
features add, per encoder level, each channel's spatial mean and standard
deviation, which keep the stain colours, the texture and the sharpness a
reconstruction loss alone would let go (an autoencoder's blurry decoder does
not care whether the input was sharp), each standardised by its spread over
training-band crops. The encoder is fully convolutional and
pooled, so crops of any size at the slide's pixel scale are scored alike.
"""

from __future__ import annotations

from pathlib import Path

import torch
from torch import Tensor, nn

from ginv_lightning.metrics.shipped_weights import load_weights, shipped_path

WEIGHTS = "histology.pt"
WIDTHS = (16, 32, 64, 64)  # channels per encoder level; 32 px crops end at 4 x 4


class CropAutoencoder(nn.Module):
    """RGB crops in [-1, 1] -> a code map, and back; :meth:`features` gives 2 x sum(WIDTHS)."""

    num_features = 2 * sum(WIDTHS)

    def __init__(self) -> None:
        super().__init__()
        levels, previous = [], 3
        for index, width in enumerate(WIDTHS):
            stride = 1 if index == 0 else 2
            levels.append(nn.Sequential(
                nn.Conv2d(previous, width, 4 if stride == 2 else 3, stride, 1),
                nn.LeakyReLU(0.2),
                nn.Conv2d(width, width, 3, 1, 1),
                nn.LeakyReLU(0.2),
            ))  # fmt: skip
            previous = width
        self.levels = nn.ModuleList(levels)
        ups = []
        for width, after in zip(WIDTHS[:0:-1], WIDTHS[-2::-1], strict=True):
            ups += [nn.Upsample(scale_factor=2, mode="nearest"), nn.Conv2d(width, after, 3, 1, 1),
                    nn.LeakyReLU(0.2)]  # fmt: skip
        self.decoder = nn.Sequential(*ups, nn.Conv2d(WIDTHS[0], 3, 3, 1, 1), nn.Tanh())
        # each statistic's mean and spread over training-band crops (set after training)
        self.register_buffer("feature_mean", torch.zeros(self.num_features))
        self.register_buffer("feature_scale", torch.ones(self.num_features))

    def encode(self, images: Tensor) -> list[Tensor]:
        """The activations of every encoder level, the last one being the code."""
        maps, x = [], images.float()
        for level in self.levels:
            x = level(x)
            maps.append(x)
        return maps

    def forward(self, images: Tensor) -> Tensor:
        return self.decoder(self.encode(images)[-1])

    def statistics(self, images: Tensor) -> Tensor:
        """Per level, each channel's mean and standard deviation over the crop."""
        stats = []
        for x in self.encode(images):
            flat = x.flatten(2)
            stats += [flat.mean(-1), flat.std(-1)]
        return torch.cat(stats, 1)

    def features(self, images: Tensor) -> Tensor:
        """:meth:`statistics` standardised by their spread over training-band crops.

        Every statistic then counts alike in a Fréchet distance, instead of the
        few with the largest natural range (how much tissue a crop holds)
        drowning those that sharpness and colour move.
        """
        return (self.statistics(images) - self.feature_mean) / self.feature_scale


class HistologyFeatures(nn.Module):
    """The shipped crop autoencoder's features, for ``metrics.features: histology``."""

    num_features = CropAutoencoder.num_features

    def __init__(self, path: str | Path | None = None) -> None:
        super().__init__()
        self.network = load_crop_autoencoder(path).requires_grad_(False)

    def forward(self, images: Tensor) -> Tensor:
        return self.network.features(images)

    def train(self, mode: bool = True) -> HistologyFeatures:
        return super().train(False)  # a fixed measuring instrument


def shipped_weights() -> Path:
    return shipped_path(WEIGHTS)


def load_crop_autoencoder(path: str | Path | None = None) -> CropAutoencoder:
    """The autoencoder with the shipped (or given) weights, in eval mode, loaded weights-only."""
    return load_weights(CropAutoencoder(), Path(path or shipped_weights()), "histology feature")
