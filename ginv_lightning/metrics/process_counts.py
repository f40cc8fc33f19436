"""Counts summed over the processes of a distributed run, for deciding what to compute.

A torchmetrics ``compute`` gathers from every process, so every process must
call the same ones in the same order. Whether a metric has anything to compute
must therefore be decided from the counts of all processes, not from this
process's share, which may hold none of a class.
"""

from __future__ import annotations

import torch
from torchmetrics.metric import jit_distributed_available
from torchmetrics.utilities.distributed import gather_all_tensors


def summed_over_processes(counts: list[list[int]], device: torch.device) -> list[list[int]]:
    """``counts`` (rows of integers) summed element-wise over all processes."""
    total = torch.tensor(counts, dtype=torch.long, device=device)
    if jit_distributed_available():
        total = torch.stack(gather_all_tensors(total)).sum(0)
    return total.tolist()
