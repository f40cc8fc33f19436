"""What the processes of a multi-process (DDP) run must not share, and what they must.

Every process is seeded alike (``seed_everything``), so each would draw the same
latents and augmentations, and the global batch would hold ``world_size`` copies
of one fake batch: each rank gets a stream of its own. DDP keeps the weights
identical (it starts from rank 0's and averages the gradients), and at the start
of each step it copies rank 0's buffers to the others, so batch norms' running
statistics would come from rank 0's batches only and differ across ranks after
each step (in the EMA's copy, in what each rank evaluates). They are averaged
across ranks after every batch instead (as timm's ``distribute_bn`` does per epoch).
"""

from __future__ import annotations

import numpy
import torch
from lightning.pytorch.strategies import Strategy
from torch import Tensor, nn

from ginv_lightning.escnn_support.walk_without_hashing import unique_modules
from ginv_lightning.gan.averaging import is_running_statistic


def seed_this_rank(rank: int) -> None:
    """Give process ``rank`` a random stream of its own: rank 0 keeps the one it has, every
    other rank from a seed mixed from the run's seed and its rank by ``SeedSequence``
    (no offset of the seed, which the run's other seeds are)."""
    if rank:
        mixed = numpy.random.SeedSequence([torch.initial_seed(), rank]).generate_state(1)
        torch.manual_seed(int(mixed[0]))


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
        if is_running_statistic(name) and buffer.is_floating_point()
    ]
