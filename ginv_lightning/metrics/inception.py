"""InceptionV3 features (torchmetrics / torch-fidelity), with weights never unpickled unsafely.

torch-fidelity downloads the weights on first use with no timeout. Here the
file is looked up first (a configured path, else ``$TORCH_HOME/hub/checkpoints``),
fetched with a timeout if absent, and a missing file that cannot be fetched is
reported at start-up with its name and the path it must be placed at.

torch-fidelity reads its weights file with ``torch.load(weights_only=False)``, so
a crafted file would run code. We read the file ourselves with
``weights_only=True`` (any file is then safe: it cannot run code, only fail to
load) and torch-fidelity only ever unpickles placeholders we serialised in
memory. The file's SHA-256 is not checked, except that a download must start
with the ``6726825d`` of its name (torch hub's convention).
"""

from __future__ import annotations

import hashlib
import io
import os
import urllib.request
from pathlib import Path

import torch
from torch import Tensor, nn

from ginv_lightning.errors import ConfigError, DataError
from ginv_lightning.persistence.checkpoints import unreadable_reason

WEIGHTS_FILE = "weights-inception-2015-12-05-6726825d.pth"
WEIGHTS_URL = "https://github.com/toshas/torch-fidelity/releases/download/v0.2.0/" + WEIGHTS_FILE
WEIGHTS_SHA256_PREFIX = "6726825d"  # the file name's hash suffix, as torch hub checks it


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
            data = response.read()
        if not hashlib.sha256(data).hexdigest().startswith(WEIGHTS_SHA256_PREFIX):
            raise OSError(f"the download's SHA-256 does not start with {WEIGHTS_SHA256_PREFIX}")
        partial.write_bytes(data)
        partial.replace(target)
    except OSError as exc:
        raise ConfigError(
            f"the Inception weights {WEIGHTS_FILE} are not at {target} and could not be "
            f"downloaded from {WEIGHTS_URL} ({exc}). Offline, place the file at that path "
            "(or set metrics.inception_weights), or use features: digits"
        ) from None
    return target


def load_inception_state(path: Path) -> dict[str, Tensor]:
    """The weights file's state dict, read with ``weights_only=True``; a DataError naming it."""
    try:
        state = torch.load(path, map_location="cpu", weights_only=True)
    except Exception as exc:  # torch raises many types for corrupt or foreign files
        raise DataError(
            f"cannot read the Inception weights {str(path)!r} ({unreadable_reason(exc)}); "
            f"use torch-fidelity's {WEIGHTS_FILE}"
        ) from None
    if not isinstance(state, dict) or not all(
        isinstance(k, str) and isinstance(v, Tensor) for k, v in state.items()
    ):
        raise DataError(f"the Inception weights {str(path)!r} are not a state dict of tensors")
    return state


def inception_network(path: Path) -> nn.Module:
    """torchmetrics' InceptionV3 with the file's weights, never unpickling the file unsafely.

    torch-fidelity's constructor insists on ``torch.load(weights_only=False)`` of a
    weights file; it gets an in-memory one of one-element placeholders (expanded
    to the real shapes), written here, and the real weights are loaded afterwards.
    """
    from torchmetrics.image.fid import NoTrainInceptionV3

    state = load_inception_state(path)
    placeholders = io.BytesIO()
    torch.save({k: torch.zeros((), dtype=v.dtype).expand(v.shape) for k, v in state.items()},
               placeholders)  # fmt: skip
    placeholders.seek(0)
    try:
        net = NoTrainInceptionV3(
            name="inception-v3-compat",
            features_list=["2048"],
            feature_extractor_weights_path=placeholders,  # type: ignore[arg-type]
        )
        net.load_state_dict(state)
    except RuntimeError as exc:  # missing, unexpected or mis-shaped parameters
        raise DataError(
            f"the Inception weights {str(path)!r} do not fit torch-fidelity's InceptionV3: "
            f"{_one_line(exc)}"
        ) from None
    return net


def _one_line(exc: BaseException, limit: int = 300) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= limit else text[: limit - 3] + "..."


class InceptionFeatures(nn.Module):
    """2048-d pool features of the standard FID InceptionV3, for images in [-1, 1]."""

    num_features = 2048

    def __init__(self, weights: str | Path | None = None, timeout: float = 30.0) -> None:
        super().__init__()
        self.net = inception_network(ensure_inception_weights(weights, timeout))

    def forward(self, images: Tensor) -> Tensor:
        rgb = images.expand(-1, 3, -1, -1) if images.shape[1] == 1 else images
        as_bytes = ((rgb.clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
        return self.net(as_bytes).reshape(len(images), -1)
