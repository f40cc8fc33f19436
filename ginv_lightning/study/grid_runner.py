"""Running a study's grid: skip finished runs, run the rest in worker processes, show progress."""

from __future__ import annotations

import json
import multiprocessing
import os
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, TextIO

from ginv_lightning.persistence.atomic_files import remove_orphans, write_atomic
from ginv_lightning.study.config_file import StudyConfig
from ginv_lightning.study.records import Records
from ginv_lightning.study.train_cell import Cell, evaluate_cell
from ginv_lightning.symmetry import resolve_group


@dataclass
class Progress:
    """One line per finished run, with the time spent and an estimate of the time left."""

    total: int
    done: int
    stream: TextIO = sys.stdout

    def __post_init__(self) -> None:
        self.start = time.perf_counter()
        self.finished_here = 0

    def report(self, cell: Cell, record: dict[str, Any], floor: float) -> None:
        self.done += 1
        self.finished_here += 1
        elapsed = time.perf_counter() - self.start
        left = (self.total - self.done) * elapsed / self.finished_here
        width = len(str(self.total))
        print(
            f"[{self.done:>{width}}/{self.total}] {cell.model:<12} {cell.group:<4} "
            f"n={cell.n:<5} seed={cell.seed}: W1 {record['w1']:.4f} (floor {floor:.4f}) "
            f"in {record['seconds']:.1f} s | elapsed {_clock(elapsed)}, left ~{_clock(left)}",
            file=self.stream,
            flush=True,
        )


def run_grid(config: StudyConfig, stream: TextIO = sys.stdout) -> Records:
    """Run every unfinished cell of the grid; return the records directory."""
    records = Records(config.out, config.fingerprint())
    for folder in (records.out, records.directory):  # what a killed study was writing
        remove_orphans(folder)
    finished = records.load()
    floor = noise_floor(config)
    cells = config.cells()
    pending = [cell for cell in cells if cell not in finished]
    print(
        f"ginv study: {len(cells)} runs, {len(cells) - len(pending)} already finished in "
        f"{config.out}; {len(pending)} to run on {config.workers} worker(s). "
        f"Noise floor of W1 at {config.evaluation.samples} {config.target.unit}: "
        f"{floor[0]:.4f} +- {floor[1]:.4f}",
        file=stream,
        flush=True,
    )
    progress = Progress(len(cells), len(cells) - len(pending), stream)
    for cell, record in _finished_runs(config.workers, [(config, cell) for cell in pending]):
        finished[cell] = record
        records.write_csv(finished, floor, config.evaluation.trace)
        progress.report(cell, record, floor[0])
    if not pending:  # otherwise the loop has just written it
        records.write_csv(finished, floor, config.evaluation.trace)
    return records


def noise_floor(config: StudyConfig) -> tuple[float, float]:
    """W1 between independent target samples of the evaluation size (cached in the output)."""
    target = config.target
    from ginv_lightning.data.points import HELDOUT_STREAM
    from ginv_lightning.metrics.wasserstein import noise_floor as measure

    path = config.out / "floor.json"
    fingerprint = config.fingerprint() + f"-{config.evaluation.floor_repeats}"
    if path.exists():
        cached = json.loads(path.read_text())
        if cached.get("fingerprint") == fingerprint:
            return cached["mean"], cached["std"]
    size = config.evaluation.samples
    # streams beyond every held-out seed in use: 2 * HELDOUT_STREAM + i
    mean, std = measure(
        lambda i: target.embed(target.sample_nested(size, 2 * HELDOUT_STREAM + i)),
        config.evaluation.floor_repeats,
    )
    payload = {"mean": mean, "std": std, "samples": size, "fingerprint": fingerprint}
    write_atomic(path, json.dumps(payload, indent=1))
    return mean, std


Job = tuple[StudyConfig, Cell]


def _finished_runs(workers: int, jobs: list[Job]) -> Iterator[tuple[Cell, dict[str, Any]]]:
    """(cell, record) pairs as runs finish, in this process or in worker processes."""
    if not jobs:
        return
    if workers == 1:
        _single_thread()
        yield from map(_run_and_save, jobs)
        return
    os.environ["OMP_NUM_THREADS"] = "1"  # inherited by the spawned workers before torch loads
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_single_thread) as pool:
        yield from pool.imap_unordered(_run_and_save, jobs)


def _single_thread() -> None:
    """One thread per run: tiny networks gain nothing from more, and workers share the cores."""
    import torch

    torch.set_num_threads(1)


def _run_and_save(job: Job) -> tuple[Cell, dict[str, Any]]:
    """Run one cell and write its record at once, from the process that ran it."""
    config, cell = job
    evaluation = config.evaluation
    outcome = evaluate_cell(
        cell,
        config.target,
        config.training,
        config.networks,
        evaluation.samples,
        evaluation.heldout_seed,
        evaluation.trace,
    )
    order = resolve_group(cell.group).order
    return cell, Records(config.out, config.fingerprint()).save(cell, order, outcome)


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h{minutes:02d}m" if hours else f"{minutes}m{seconds:02d}s"
