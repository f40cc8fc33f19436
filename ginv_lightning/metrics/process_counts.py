"""Counts summed over the processes of a distributed run, for deciding what to compute.

A torchmetrics ``compute`` gathers from every process, so every process must
call the same ones in the same order. Whether a metric has anything to compute
must therefore be decided from the counts of all processes, not from this
process's share, which may hold none of a class.
"""

from __future__ import annotations

import torch
import torch.distributed as dist


def summed_over_processes(counts: list[int], device: torch.device) -> list[int]:
    """``counts`` summed element-wise over all processes (one all-reduce; as they are here
    in a single process)."""
    total = torch.tensor(counts, dtype=torch.long, device=device)
    if dist.is_available() and dist.is_initialized():
        dist.all_reduce(total)
    return total.tolist()
