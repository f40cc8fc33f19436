"""Peak memory of training each case, each in a fresh process so peaks do not mix.

On CUDA the peak is ``torch.cuda.max_memory_allocated``; on the CPU it is the
growth of the process's peak resident set (``ru_maxrss``) over its size just
before the first training step, i.e. what training itself adds.
"""

from __future__ import annotations

import multiprocessing
import resource

import torch

from ginv_lightning.benchmark.cases import Case


def _resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kB on Linux


def _measure(case: Case, accelerator: str, queue: multiprocessing.Queue) -> None:
    from ginv_lightning.benchmark.timing import step_times

    torch.set_num_threads(torch.get_num_threads())
    if accelerator == "gpu":
        torch.cuda.reset_peak_memory_stats()
        step_times(case, batches=5, warmup=1, accelerator=accelerator)
        queue.put(torch.cuda.max_memory_allocated() / 2**20)
        return
    before = _resident_mb()
    step_times(case, batches=5, warmup=1, accelerator=accelerator)
    queue.put(max(0.0, _peak_mb() - before))


def training_peak_mb(case: Case, accelerator: str) -> float:
    """Peak memory (MB) that a few training steps of ``case`` need."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(case, accelerator, queue))
    child.start()
    result = queue.get(timeout=600)
    child.join()
    return result
