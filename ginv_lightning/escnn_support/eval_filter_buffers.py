"""escnn caches expanded filters as buffers in eval mode; keep them out of checkpoints.

An escnn convolution registers ``filter`` (and ``expanded_bias``; ``matrix`` for
``Linear``) when switched to eval mode and deletes them in train mode, so a
state dict's keys depend on the mode it was taken in. These buffers are derived
from the weights, so dropping them makes checkpoints mode-independent.
"""

from __future__ import annotations

from escnn.nn import EquivariantModule
from torch import nn

from ginv_lightning.escnn_support.walk_without_hashing import unique_named_modules

CACHED_BUFFERS = frozenset({"filter", "expanded_bias", "matrix"})


def cached_filter_keys(module: nn.Module) -> list[str]:
    """State-dict keys of the filters escnn caches, as the module stands now."""
    keys = []
    for name, sub in unique_named_modules(module):  # every checkpoint: no basis hashing
        if isinstance(sub, EquivariantModule):
            for buffer, _ in sub.named_buffers(recurse=False):
                if buffer in CACHED_BUFFERS:
                    keys.append(f"{name}.{buffer}" if name else buffer)
    return keys


def drop_cached_filters(state: dict, module: nn.Module, prefix: str = "") -> None:
    """Remove ``module``'s cached escnn filters from a state dict, in place."""
    for key in cached_filter_keys(module):
        state.pop(prefix + key, None)
