"""Where a grid's cells run: here, in worker processes, or as submitit jobs (SLURM or local).

``local`` trains the cells in this process, one after another, or with
``workers`` > 1 in that many spawned processes. ``slurm`` submits the cells
without a record as one SLURM job array through submitit (the launcher of
Hydra and most PyTorch research code); ``submitit-local`` runs the same jobs as
subprocesses of this machine through submitit's ``LocalExecutor``. Every
launcher runs :func:`finish_cell`, which writes its cell's record; the records
folder is the only state cells share, so jobs on different nodes never write
the same file, and a half-finished array run again skips the cells that finished.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
from collections.abc import Hashable, Iterator
from dataclasses import dataclass, field, fields
from typing import Any

from ginv_lightning.errors import ConfigError, JobsFailedError
from ginv_lightning.grid.records import RecordFolder

LAUNCHERS = ("local", "submitit-local", "slurm")

Finished = tuple[Hashable, dict[str, Any]]


@dataclass(frozen=True)
class SlurmSettings:
    """What each cell's SLURM job asks for (``--slurm.*`` or the spec's ``slurm:``)."""

    partition: str | None = None
    time: int = 60  # minutes
    gpus: int = 0  # per cell
    cpus: int = 2  # per cell
    mem_gb: float | None = None
    array_parallelism: int = 16  # cells running at once

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> SlurmSettings:
        accepted = [f.name for f in fields(cls)]
        unknown = sorted(set(settings) - set(accepted))
        if unknown:
            raise ConfigError(f"unknown slurm settings {unknown}; accepted: {', '.join(accepted)}")
        return cls(**settings)


@dataclass(frozen=True)
class Launcher:
    """How the cells without a record run."""

    kind: str = "local"
    workers: int = 1  # processes side by side, for ``local``
    slurm: SlurmSettings = field(default_factory=SlurmSettings)

    def check(self) -> None:
        """One line if the launcher cannot run here, before anything is created."""
        if self.kind not in LAUNCHERS:
            raise ConfigError(f"--launcher {self.kind!r} is not one of {', '.join(LAUNCHERS)}")
        if self.kind != "local":
            _submitit(self.kind)

    def where(self) -> str:
        if self.kind == "local":
            return f"here, {self.workers} at a time" if self.workers > 1 else "here, one at a time"
        return "as SLURM jobs" if self.kind == "slurm" else "as local submitit jobs"

    def run(self, records: RecordFolder, todo: list[Hashable]) -> Iterator[Finished]:
        """(cell, record) pairs as the cells finish."""
        if not todo:
            return
        if self.kind != "local":
            yield from _submitted(records, todo, self.kind, self.slurm)
        elif self.workers == 1:
            for cell in todo:
                yield finish_cell(records, cell)
        else:
            yield from _pooled(records, todo, self.workers)


def finish_cell(records: RecordFolder, cell: Hashable) -> Finished:
    """Run one cell and write its record: what every launcher runs, wherever it runs."""
    return cell, records.write(cell, records.grid.run_cell(cell, records.path(cell)))


def _finish(job: tuple[RecordFolder, Hashable]) -> Finished:
    return finish_cell(*job)


def _pooled(records: RecordFolder, todo: list[Hashable], workers: int) -> Iterator[Finished]:
    """Cells in spawned worker processes, one thread each: they share the machine's cores."""
    os.environ["OMP_NUM_THREADS"] = "1"  # inherited by the workers before torch loads
    context = multiprocessing.get_context("spawn")
    with context.Pool(workers, initializer=_single_thread) as pool:
        yield from pool.imap_unordered(_finish, [(records, cell) for cell in todo])


def _single_thread() -> None:
    import torch

    torch.set_num_threads(1)


def _submitted(
    records: RecordFolder, todo: list[Hashable], kind: str, slurm: SlurmSettings
) -> Iterator[Finished]:
    """The cells as one job array; waits for them, then names the ones that failed."""
    submitit = _submitit(kind)
    cluster = "local" if kind == "submitit-local" else "slurm"
    executor = submitit.AutoExecutor(folder=records.out / "submitit" / "%j", cluster=cluster)
    executor.update_parameters(
        name=f"ginv-{records.grid.kind}-{records.grid.name}",
        timeout_min=slurm.time,
        gpus_per_node=slurm.gpus,
        cpus_per_task=slurm.cpus,
        slurm_array_parallelism=slurm.array_parallelism,
        **({"slurm_partition": slurm.partition} if slurm.partition else {}),
        **({"mem_gb": slurm.mem_gb} if slurm.mem_gb else {}),
    )
    jobs = executor.map_array(finish_cell, [records] * len(todo), todo)
    print(f"submitted {len(jobs)} cells as jobs (logs in {records.out / 'submitit'})", flush=True)
    names = {job.job_id: records.grid.record_name(c) for job, c in zip(jobs, todo, strict=True)}
    failed = []
    for job in submitit.helpers.as_completed(jobs):
        try:
            yield job.result()
        except Exception as exc:
            failed.append(f"{names[job.job_id]} ({type(exc).__name__}, log {job.paths.stderr})")
    if failed:
        raise JobsFailedError(
            f"{len(failed)} of {len(todo)} cells failed: {failed[0]}"
            + (f" and {len(failed) - 1} more" if len(failed) > 1 else "")
            + "; rerunning the same command retries them and keeps the finished ones"
        )


def _submitit(launcher: str) -> Any:
    """submitit, checked before anything is created: installed, and SLURM here if asked for."""
    try:
        import submitit
        import submitit.helpers
    except ImportError:
        raise ConfigError(
            f"--launcher {launcher} needs submitit: pip install submitit (or ginv-lightning[slurm])"
        ) from None
    if launcher == "slurm" and shutil.which("sbatch") is None:
        raise ConfigError(
            "--launcher slurm: sbatch is not on this machine's PATH; run on a SLURM login "
            "node, or use --launcher submitit-local to run the same jobs here"
        )
    return submitit
