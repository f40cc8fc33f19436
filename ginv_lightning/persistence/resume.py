"""``--ckpt_path``: ``last`` is the newest checkpoint of the *same* experiment; a file must match.

Lightning looks for ``last`` in the checkpoint directory of the *new* run,
which a restarted job never has, and merges a checkpoint's hyper-parameters
over the user's config. Here ``last`` means the newest ``last.ckpt`` among the
runs whose recorded fingerprint equals this config's (another config's run is
never picked; none yet means a fresh start, as a requeued job needs), and the
loggers are pointed back at that run: the same CSV file (appended to from the
checkpoint's step on) and the same W&B run id. A checkpoint file given by path
is read first (one line for a truncated or foreign file) and refused when it
belongs to another experiment, naming both configs and what differs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from lightning.pytorch.utilities import rank_zero_only

from ginv_lightning.errors import ConfigError, DataError
from ginv_lightning.experiment import SECTIONS, differences, fingerprint
from ginv_lightning.persistence.atomic_files import remove_orphans
from ginv_lightning.persistence.checkpoint_keys import EXPERIMENT_KEY, RUN_KEY
from ginv_lightning.persistence.checkpoints import load_checkpoint
from ginv_lightning.persistence.run_directory import newest_last_checkpoint
from ginv_lightning.persistence.run_lock import lock_run

# Values of --ckpt_path that Lightning resolves itself, not files.
LIGHTNING_NAMES = frozenset({"best", "last", "hpc", "registry"})


def logged_step(checkpoint: dict[str, Any]) -> int:
    """The step Lightning's loggers were at: batches that stepped, not optimiser steps."""
    loop = checkpoint.get("loops", {}).get("fit_loop", {}).get("epoch_loop.state_dict", {})
    return int(loop.get("_batches_that_stepped", checkpoint.get("global_step", 0)))


def checked_checkpoint(
    path: str | Path, experiment: dict[str, Any], compared: tuple[str, ...] = SECTIONS
) -> dict[str, Any]:
    """The checkpoint at ``path`` if ``ginv fit`` wrote it with these ``compared`` sections.

    Resuming compares ``model:`` and ``data:``; evaluating (``validate``, ``test``)
    compares the model only, since evaluating a model on other data is legitimate.
    """
    checkpoint = load_checkpoint(path)
    recorded = checkpoint.get(EXPERIMENT_KEY)
    if not isinstance(recorded, dict) or "state_dict" not in checkpoint:
        raise DataError(f"checkpoint {str(path)!r} was not written by `ginv fit` (no experiment)")
    if fingerprint(recorded, compared) != fingerprint(experiment, compared):
        raise ConfigError(
            f"checkpoint {str(path)!r} (config {recorded.get('name', '?')!r}) does not match this "
            f"run (config {experiment['name']!r}): {differences(recorded, experiment, compared)}. "
            "Use the checkpoint's own config, or start a new run without --ckpt_path"
        )
    return checkpoint


def resume_last(config: Any, experiment: dict[str, Any], root: str) -> Path | None:
    """Point a parsed ``fit`` config at the newest ``last.ckpt`` of this experiment, if any."""
    found = newest_last_checkpoint(root, experiment["fingerprint"])
    config.ckpt_path = str(found) if found is not None else None
    if found is None:
        return None
    checkpoint = checked_checkpoint(found, experiment)
    run = found.parent.parent
    if rank_zero_only.rank == 0:  # the writer of the run folder (other ranks only read)
        lock_run(run)  # before touching it: another live process may be writing it
    remove_orphans(run / "checkpoints")  # a write the kill interrupted
    point_loggers(config, run, checkpoint.get(RUN_KEY, {}).get("wandb_id"), logged_step(checkpoint))
    return found


def point_loggers(
    config: Any, run: Path, wandb_id: str | None = None, resume_step: int | None = None
) -> None:
    """Make ginv's default loggers write into ``run``: the CSV file and the W&B folder there.

    The W&B folder is given as an absolute path: wandb's service process resolves
    relative ones against its own working directory, the first run's in a process
    that runs ``ginv`` more than once, and would write a later run into that one.
    """
    for logger in config.trainer.logger if isinstance(config.trainer.logger, list) else []:
        if logger.class_path.endswith("CSVLogger"):
            logger.init_args.save_dir = str(run.parent.parent)
            logger.init_args.name, logger.init_args.version = run.parent.name, run.name
            if hasattr(logger.init_args, "resume_step"):
                logger.init_args.resume_step = resume_step
        elif logger.class_path.endswith("WandbLogger"):
            logger.init_args.save_dir = str(run.absolute())
            if wandb_id:
                logger.init_args.id = wandb_id


def runs_root(config: Any) -> str | None:
    """Where runs are kept: the save_dir of ginv's CSV logger (``None`` without one)."""
    loggers = config.trainer.logger if isinstance(config.trainer.logger, list) else []
    csv = next((lg for lg in loggers if lg.class_path.endswith("CSVLogger")), None)
    return None if csv is None else str(csv.init_args.save_dir)
