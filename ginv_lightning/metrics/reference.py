"""Features of the reference (real) images, computed once and cached by content.

The cache key hashes the image tensor itself, the feature network's identity
and the shard of the process, so a changed split, subsample or preprocessing
can never reuse stale statistics (as StudioGAN and stylegan2-ada users expect).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import torch
from torch import Tensor, nn

from ginv_lightning.persistence.atomic_files import atomic_writer


def default_cache_dir() -> Path:
    root = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(root) / "ginv" / "reference"


def content_key(images: Tensor, feature_id: str, shard: tuple[int, int]) -> str:
    digest = hashlib.sha256(images.detach().cpu().float().contiguous().numpy().tobytes())
    digest.update(f"{feature_id}|{shard[0]}/{shard[1]}|{tuple(images.shape)}".encode())
    return digest.hexdigest()[:32]


@torch.no_grad()
def extract(features: nn.Module, images: Tensor, batch_size: int, device: torch.device) -> Tensor:
    parts = [features(images[i : i + batch_size].to(device)).double().cpu()
             for i in range(0, len(images), batch_size)]  # fmt: skip
    return torch.cat(parts) if parts else torch.zeros(0, features.num_features)


def reference_features(
    features: nn.Module,
    feature_id: str,
    images: Tensor,
    shard: tuple[int, int],
    batch_size: int,
    device: torch.device,
    cache_dir: Path | None,
) -> Tensor:
    """Features of this process's contiguous share of ``images``, from the cache if present."""
    rank, world = shard
    mine = torch.tensor_split(images, world)[rank]
    if cache_dir is None:
        return extract(features, mine, batch_size, device)
    path = Path(cache_dir) / f"{content_key(images, feature_id, shard)}.pt"
    cached = _read_cached(path)
    if cached is not None and len(cached) == len(mine):
        return cached
    computed = extract(features, mine, batch_size, device)
    with atomic_writer(path) as handle:
        torch.save(computed, handle)
    return computed


def _read_cached(path: Path) -> Tensor | None:
    """A cached feature tensor, or ``None`` when absent or unreadable (then it is recomputed)."""
    if not path.is_file():
        return None
    try:
        cached = torch.load(path, weights_only=True)
    except Exception:  # truncated, foreign or crafted: never trusted, simply replaced
        return None
    return cached if isinstance(cached, Tensor) else None
