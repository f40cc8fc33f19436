"""Cells as jobs through submitit: one SLURM job per cell (a job array), or local subprocesses.

``--launcher local`` trains the cells in this process (``runner.run_comparison``).
``--launcher slurm`` submits the cells without a record as one SLURM job array
with submitit (the launcher of Hydra and most PyTorch research code);
``--launcher submitit-local`` runs the same jobs as subprocesses of this
machine, through submitit's ``LocalExecutor``. A job rebuilds the comparison
from its file and writes its cell's record atomically; the records folder is
the only state jobs share, so jobs on different nodes never write the same
file, and a half-finished array run again skips the cells that finished.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

from ginv_lightning.comparison.runner import (
    Progress,
    finish_cell,
    load_records,
    prepare,
    record_path,
)
from ginv_lightning.comparison.spec import Cell, Comparison, load_comparison
from ginv_lightning.errors import ConfigError, JobsFailedError

LAUNCHERS = ("local", "submitit-local", "slurm")


@dataclass(frozen=True)
class SlurmSettings:
    """What each cell's SLURM job asks for (``--slurm.*`` or the file's ``compare.slurm``)."""

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


def run_cell_job(spec: str, out: str, trainer: dict[str, Any], cell: dict[str, Any]) -> str:
    """What one job runs: the comparison rebuilt from its file, one cell trained and recorded."""
    comparison = load_comparison(spec, out=out, trainer=trainer)
    finish_cell(comparison, Cell(**cell))
    return cell["config"]


def submit_comparison(
    comparison: Comparison, spec: str, launcher: str, slurm: SlurmSettings
) -> list[dict[str, Any]]:
    """Run the cells without a record as submitit jobs, wait for them, return all records."""
    submitit = _submitit(launcher)
    todo = prepare(comparison)
    if not todo:
        return load_records(comparison)
    folder = comparison.out / "submitit" / "%j"
    executor = submitit.AutoExecutor(
        folder=folder, cluster="local" if launcher == "submitit-local" else "slurm"
    )
    executor.update_parameters(
        name=f"ginv-compare-{comparison.name}",
        timeout_min=slurm.time,
        gpus_per_node=slurm.gpus,
        cpus_per_task=slurm.cpus,
        slurm_array_parallelism=slurm.array_parallelism,
        **({"slurm_partition": slurm.partition} if slurm.partition else {}),
        **({"mem_gb": slurm.mem_gb} if slurm.mem_gb else {}),
    )
    trainer = asdict(comparison.trainer)
    out = str(comparison.out.resolve())
    spec = str(Path(spec).resolve()) if Path(spec).is_file() else spec
    jobs = executor.map_array(
        run_cell_job,
        [spec] * len(todo),
        [out] * len(todo),
        [trainer] * len(todo),
        [asdict(cell) for cell in todo],
    )
    print(
        f"submitted {len(jobs)} cells as jobs (logs in {comparison.out / 'submitit'})", flush=True
    )
    progress = Progress(comparison, len(todo))
    cells = {job.job_id: cell for job, cell in zip(jobs, todo, strict=True)}
    failed = []
    for job in submitit.helpers.as_completed(jobs):
        cell = cells[job.job_id]
        try:
            job.result()
        except Exception as exc:
            failed.append(f"{cell.name} ({type(exc).__name__}, log {job.paths.stderr})")
            continue
        progress(cell, json.loads(record_path(comparison, cell).read_text()))
    if failed:
        raise JobsFailedError(
            f"{len(failed)} of {len(todo)} cells failed: {failed[0]}"
            + (f" and {len(failed) - 1} more" if len(failed) > 1 else "")
            + "; rerunning the same command retries them and keeps the finished ones"
        )
    return load_records(comparison)


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
