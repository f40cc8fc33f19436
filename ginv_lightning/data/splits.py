"""Seeded train/val/test splits and seeded subsampling without replacement.

Data-efficiency experiments compare models trained on n samples; the n must
be the same samples for every model and every rerun, and drawn without
replacement, so both steps here depend on a seed and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from ginv_lightning.errors import ConfigError


@dataclass(frozen=True)
class Split:
    train: Tensor
    val: Tensor
    test: Tensor


def split_indices(n: int, val_fraction: float, test_fraction: float, seed: int) -> Split:
    """Shuffle ``range(n)`` with ``seed`` and cut it into test, val and train (in that order)."""
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= value < 1:
            raise ConfigError(f"data.{name} must be in [0, 1), got {value}")
    if val_fraction + test_fraction >= 1:
        raise ConfigError(
            "data.val_fraction + data.test_fraction must be < 1, "
            f"got {val_fraction + test_fraction}"
        )
    order = torch.randperm(n, generator=torch.Generator().manual_seed(seed))
    n_test, n_val = round(n * test_fraction), round(n * val_fraction)
    return Split(
        train=order[n_test + n_val :], val=order[n_test : n_test + n_val], test=order[:n_test]
    )


def subsample(indices: Tensor, num_train: int | None, fraction: float | None, seed: int) -> Tensor:
    """A seeded subset of ``indices`` drawn without replacement (all of them if both are None)."""
    if num_train is not None and fraction is not None:
        raise ConfigError("give data.num_train or data.fraction, not both")
    if fraction is not None:
        if not 0 < fraction <= 1:
            raise ConfigError(f"data.fraction must be in (0, 1], got {fraction}")
        num_train = max(1, round(len(indices) * fraction))
    if num_train is None:
        return indices
    if not 1 <= num_train <= len(indices):
        raise ConfigError(
            f"data.num_train must be between 1 and the {len(indices)} training samples, "
            f"got {num_train}"
        )
    chosen = torch.randperm(len(indices), generator=torch.Generator().manual_seed(seed + 1))
    return indices[chosen[:num_train]]
