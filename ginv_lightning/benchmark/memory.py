"""Peak memory of training each case, each in a fresh process so peaks do not mix.

On CUDA it is ``torch.cuda.max_memory_allocated`` during training. On the CPU a
thread samples the process's resident set every millisecond while a few
batches train; the figure is the peak minus the size just before training
(model, data and libraries already loaded), i.e. what training itself adds.
"""

from __future__ import annotations

import multiprocessing
import resource
import threading
import time
from queue import Empty

import torch

from ginv_lightning.benchmark.cases import Case


def _resident_mb() -> float:
    with open("/proc/self/statm") as handle:
        pages = int(handle.read().split()[1])
    return pages * resource.getpagesize() / 2**20


class _PeakResident(threading.Thread):
    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak = _resident_mb()
        self.running = threading.Event()
        self.running.set()  # cleared to stop

    def run(self) -> None:
        while self.running.is_set():
            self.peak = max(self.peak, _resident_mb())
            time.sleep(0.001)


def _measure(case: Case, accelerator: str, queue: multiprocessing.Queue) -> None:
    from ginv_lightning.benchmark.cases import build
    from ginv_lightning.benchmark.timing import train_batches

    experiment = build(case)
    module, data = experiment.model, experiment.data
    if accelerator == "gpu":
        torch.cuda.reset_peak_memory_stats()
        train_batches(module, data, batches=5, warmup=1, accelerator=accelerator)
        queue.put(torch.cuda.max_memory_allocated() / 2**20)
        return
    before = _resident_mb()
    sampler = _PeakResident()
    sampler.start()
    train_batches(module, data, batches=5, warmup=1, accelerator=accelerator)
    sampler.running.clear()
    sampler.join()
    queue.put(max(0.0, sampler.peak - before))


def training_peak_mb(case: Case, accelerator: str, timeout_s: float = 600) -> float:
    """Memory (MB) that a few training steps of ``case`` add at their peak.

    Raises ``RuntimeError`` as soon as the measuring process ends without a figure
    (its traceback is on stderr), or after ``timeout_s`` (the process is killed).
    """
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    child = context.Process(target=_measure, args=(case, accelerator, queue))
    child.start()
    deadline = time.monotonic() + timeout_s
    while True:
        ended = not child.is_alive()  # read before the queue: a figure sent at exit is there
        try:
            result = queue.get(timeout=1)
        except Empty:
            if ended or time.monotonic() > deadline:
                child.kill()
                child.join()
                why = f"exited with code {child.exitcode}" if ended else f"took over {timeout_s} s"
                raise RuntimeError(
                    f"measuring the peak memory of {case.name!r} failed: its process {why} "
                    "(its error, if any, is printed above)"
                ) from None
            continue
        child.join()
        return result
