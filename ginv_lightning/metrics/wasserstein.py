"""The Wasserstein-1 distance between two point samples, exactly, with POT.

The sample-complexity theorem is stated in W1, so the study measures W1 itself:
POT's network simplex (``ot.emd2``) on the Euclidean cost matrix, with uniform
weights on each sample. Two finite samples of one law are at a positive W1
from each other, so every measurement comes with its noise floor.

Example:
    >>> import torch
    >>> x = torch.tensor([[0.0, 0.0], [1.0, 0.0]])
    >>> round(wasserstein1(x, x + torch.tensor([0.0, 2.0])), 6)
    2.0
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import ot
from torch import Tensor

# The network simplex needs more iterations than POT's default on a few thousand points.
MAX_ITERATIONS = 50_000_000


def wasserstein1(x: Tensor | np.ndarray, y: Tensor | np.ndarray) -> float:
    """W1 between the uniform measures on the rows of ``x`` (N, d) and ``y`` (M, d)."""
    a = _as_array(x)
    b = _as_array(y)
    if a.ndim != 2 or b.ndim != 2 or a.shape[1] != b.shape[1]:
        raise ValueError(f"W1 needs two (N, d) samples of one dimension, got {a.shape}, {b.shape}")
    cost = ot.dist(a, b, metric="euclidean")
    weights_a = np.full(len(a), 1 / len(a))
    weights_b = np.full(len(b), 1 / len(b))
    value, log = ot.emd2(weights_a, weights_b, cost, numItermax=MAX_ITERATIONS, log=True)
    if log.get("warning"):
        raise RuntimeError(f"exact optimal transport did not converge: {log['warning']}")
    return float(value)


def noise_floor(sample: Callable[[int], Tensor], repeats: int) -> tuple[float, float]:
    """Mean and standard deviation of W1 between two independent samples of the law.

    ``sample(i)`` must return the i-th independent sample, all of the size the
    floor is wanted for. This is what
    a perfect generator scores against a held-out sample of the same size.
    """
    values = [wasserstein1(sample(2 * i), sample(2 * i + 1)) for i in range(repeats)]
    return float(np.mean(values)), float(np.std(values, ddof=1)) if repeats > 1 else 0.0


def _as_array(x: Tensor | np.ndarray) -> np.ndarray:
    if isinstance(x, Tensor):
        x = x.detach().cpu().numpy()
    return np.ascontiguousarray(x, dtype=np.float64)
