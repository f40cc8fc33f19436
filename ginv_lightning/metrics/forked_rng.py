"""Seeded work that leaves the caller's random streams as they were, the GPU's included."""

from __future__ import annotations

from contextlib import AbstractContextManager

import torch


def forked_rng(device: torch.device) -> AbstractContextManager[None]:
    """``torch.random.fork_rng`` over the CPU's generator and, on an accelerator, ``device``'s.

    ``torch.manual_seed`` inside also reseeds the accelerators' generators: forking
    the CPU's alone would leave training's noise on a GPU reseeded to the same
    values after every evaluation.
    """
    if device.type == "cpu":
        return torch.random.fork_rng(devices=[])
    return torch.random.fork_rng(devices=[device], device_type=device.type)
