"""The measuring networks' weights shipped inside the package, loaded weights-only."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path
from typing import TypeVar

import torch
from torch import nn

from ginv_lightning.errors import DataError
from ginv_lightning.persistence.checkpoints import unreadable_reason

Network = TypeVar("Network", bound=nn.Module)


def shipped_path(name: str) -> Path:
    """Where the package keeps the weights file ``name`` (under ``metrics/weights``)."""
    return Path(str(files("ginv_lightning.metrics") / "weights" / name))


def load_weights(model: Network, source: Path, what: str) -> Network:
    """``model`` with the (possibly half-precision) weights of ``source``, in eval mode.

    Loaded with ``weights_only=True``: a crafted file is refused unread, and any
    unreadable file is one line naming ``what`` and why.
    """
    try:
        state = torch.load(source, map_location="cpu", weights_only=True)
        model.load_state_dict({k: v.float() for k, v in state.items()})
    except Exception as exc:  # missing, truncated, foreign or crafted (refused unread)
        reason = unreadable_reason(exc)
        raise DataError(f"cannot load {what} weights {str(source)!r}: {reason}") from None
    return model.eval()


def save_half(model: nn.Module, path: str | Path) -> None:
    """Save ``model``'s weights with floats in half precision (half the size; enough to measure)."""
    state = {k: v.half() if v.is_floating_point() else v for k, v in model.state_dict().items()}
    torch.save(state, path)
