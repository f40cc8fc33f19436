"""What the processes of a multi-process (DDP) run must not share, and what they must.

Every process is seeded alike (``seed_everything``), so each would draw the same
latents and augmentations, and the global batch would hold ``world_size`` copies
of one fake batch: each rank gets a stream of its own. DDP keeps the weights
identical (it starts from rank 0's and averages the gradients), but not the
batch-norm statistics each rank gathers from its own batches; these are averaged
across ranks after every batch (as timm's ``distribute_bn`` does per epoch), so
the EMA generator, distributed evaluation and checkpoints agree on every rank.
"""

from __future__ import annotations

import torch
from lightning.pytorch.strategies import Strategy
from torch import Tensor, nn

from ginv_lightning.escnn_support.walk_without_hashing import unique_modules

# Apart enough that no two ranks' seeds of one run, or of nearby seeds, coincide.
_RANK_SEED_STRIDE = 1_000_003
RUNNING_STATISTICS = frozenset({"running_mean", "running_var"})


def seed_this_rank(rank: int) -> None:
    """Give process ``rank`` a random stream of its own, derived from the run's seed."""
    torch.manual_seed((torch.initial_seed() + _RANK_SEED_STRIDE * rank) % 2**63)


def average_running_statistics(networks: list[nn.Module], strategy: Strategy) -> None:
    """Replace every batch norm's running mean and variance by their mean over the ranks."""
    buffers = _running_statistics(networks)
    if not buffers:
        return
    flat = torch.cat([buffer.flatten() for buffer in buffers])
    averaged = strategy.reduce(flat, reduce_op="mean")
    for buffer, values in zip(buffers, averaged.split([b.numel() for b in buffers]), strict=True):
        buffer.copy_(values.view_as(buffer))


def _running_statistics(networks: list[nn.Module]) -> list[Tensor]:
    return [
        buffer
        for network in networks
        for module in unique_modules(network)
        for name, buffer in module.named_buffers(recurse=False)
        if name in RUNNING_STATISTICS and buffer.is_floating_point()
    ]
