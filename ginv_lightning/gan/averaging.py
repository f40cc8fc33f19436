"""The exponential moving average of the generator, used for evaluation and sampling."""

from __future__ import annotations

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel, get_ema_multi_avg_fn

from ginv_lightning.escnn_support.copy_sharing_types import sharing_escnn_types
from ginv_lightning.escnn_support.walk_without_hashing import unique_modules, unique_parameters

# Buffers that estimate something about the weights and are copied, not averaged:
# batch-norm statistics, and the power iteration's singular vectors of spectral
# normalisation (ours on steerable filters, torch's `_u`/`_v`), which the average
# never iterates itself and would otherwise keep from initialisation.
COPIED_BUFFERS = frozenset({"num_batches_tracked", "spectral_u", "spectral_v", "_u", "_v"})
RUNNING_STATISTICS = ("running_mean", "running_var")


def is_running_statistic(name: str) -> bool:
    """A batch norm's running mean or variance: torch's and escnn's ``InnerBatchNorm`` name
    them so, escnn's ``IIDBatchNorm`` (continuous groups) after each field's irrep
    (``<irrep>_running_var``)."""
    return name.endswith(RUNNING_STATISTICS)


def generator_ema(generator: nn.Module, decay: float) -> AveragedModel:
    """An EMA copy of ``generator``'s weights, frozen for autograd (see :func:`update_ema`)."""
    if not 0 <= decay < 1:
        raise ValueError(f"ema_decay must be in [0, 1), got {decay}")
    update = get_ema_multi_avg_fn(decay)
    with sharing_escnn_types():  # AveragedModel deep-copies the generator
        ema = AveragedModel(generator, multi_avg_fn=update, use_buffers=False)
    ema.requires_grad_(False)
    return ema


@torch.no_grad()
def update_ema(ema: AveragedModel, generator: nn.Module) -> None:
    """Average the weights; copy batch-norm statistics, as StyleGAN2-ADA does (and power iterates).

    Averaging *all* buffers (``use_buffers=True``) would also average escnn's
    constant sampled bases on every step, for nothing. This is what
    ``AveragedModel.update_parameters`` does (copy at the first update, then its
    averaging function), minus its walks over the modules, which hash escnn's
    kernel bases (see :mod:`ginv_lightning.escnn_support.walk_without_hashing`).
    """
    averaged, current = unique_parameters(ema.module), unique_parameters(generator)
    if ema.n_averaged == 0:
        for target, source in zip(averaged, current, strict=True):
            target.copy_(source)
    else:
        ema.multi_avg_fn(averaged, current, ema.n_averaged)
    ema.n_averaged += 1
    for target, source in zip(unique_modules(ema.module), unique_modules(generator), strict=True):
        targets = dict(target.named_buffers(recurse=False))
        for name, buffer in source.named_buffers(recurse=False):
            if name in COPIED_BUFFERS or is_running_statistic(name):
                targets[name].copy_(buffer)
