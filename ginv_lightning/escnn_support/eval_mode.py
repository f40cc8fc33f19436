"""Evaluation mode for networks with escnn layers, entered and left through ``train()``.

escnn expands (and caches) filters when a module switches to eval and drops
them when it switches back; both only happen through ``module.train(mode)``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import torch
from torch import nn


@contextmanager
def evaluating(module: nn.Module) -> Iterator[nn.Module]:
    """Eval mode and no gradients for the duration, then the previous mode again.

    Switching an escnn module to eval re-expands its filters from the current
    weights, so an EMA copy updated in train mode never samples with stale
    filters; switching back discards them, keeping the averaged buffers aligned.
    """
    was_training = module.training
    with torch.no_grad():
        module.eval()
        try:
            yield module
        finally:
            module.train(was_training)
