"""InceptionV3 features (torchmetrics / torch-fidelity) with an offline-safe weights check.

torch-fidelity downloads the weights on first use with no timeout. Here the
file is looked up first (a configured path, else ``$TORCH_HOME/hub/checkpoints``),
fetched with a timeout if absent, and a missing file that cannot be fetched is
reported at start-up with its name and the path it must be placed at.
"""

from __future__ import annotations

import os
import urllib.request
from pathlib import Path

import torch
from torch import Tensor, nn

from ginv_lightning.errors import ConfigError

WEIGHTS_FILE = "weights-inception-2015-12-05-6726825d.pth"
WEIGHTS_URL = "https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/" + WEIGHTS_FILE


def default_weights_path() -> Path:
    return Path(torch.hub.get_dir()) / "checkpoints" / WEIGHTS_FILE


def ensure_inception_weights(path: str | Path | None = None, timeout: float = 30.0) -> Path:
    """The weights file, downloaded (with a timeout) if missing; a ConfigError if impossible."""
    target = Path(path) if path else default_weights_path()
    if target.is_file():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + f".{os.getpid()}.part")
        with urllib.request.urlopen(WEIGHTS_URL, timeout=timeout) as response:
            partial.write_bytes(response.read())
        partial.replace(target)
    except OSError as exc:
        raise ConfigError(
            f"the Inception weights {WEIGHTS_FILE} are not at {target} and could not be "
            f"downloaded from {WEIGHTS_URL} ({exc}). Offline, place the file at that path "
            "(or set metrics.inception_weights), or use features: digits"
        ) from None
    return target


class InceptionFeatures(nn.Module):
    """2048-d pool features of the standard FID InceptionV3, for images in [-1, 1]."""

    num_features = 2048

    def __init__(self, weights: str | Path | None = None, timeout: float = 30.0) -> None:
        super().__init__()
        from torchmetrics.image.fid import NoTrainInceptionV3

        path = ensure_inception_weights(weights, timeout)
        self.net = NoTrainInceptionV3(
            name="inception-v3-compat",
            features_list=["2048"],
            feature_extractor_weights_path=str(path),
        )

    def forward(self, images: Tensor) -> Tensor:
        rgb = images.expand(-1, 3, -1, -1) if images.shape[1] == 1 else images
        as_bytes = ((rgb.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        return self.net(as_bytes).reshape(len(images), -1)
