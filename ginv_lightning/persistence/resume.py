"""Resolving ``--ckpt_path last``: the newest ``last.ckpt`` of this run family, and its logs.

Lightning looks for ``last`` in the checkpoint directory of the *new* run,
which a restarted job never has. Here we look under the CSV logger's
``save_dir/name/version_*/checkpoints/``, take the newest ``last.ckpt``, and
point the loggers back at the crashed run: the same CSV version (appended to,
from the checkpoint's step on) and the same W&B run id (resumed, not duplicated).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ginv_lightning.persistence.checkpoints import load_checkpoint
from ginv_lightning.persistence.identity import KEY


def newest_last_checkpoint(save_dir: str, name: str) -> Path | None:
    candidates = list(Path(save_dir, name).glob("version_*/checkpoints/last.ckpt"))
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


def logged_step(checkpoint: dict[str, Any]) -> int:
    """The step Lightning's loggers were at: batches that stepped, not optimiser steps."""
    loop = checkpoint.get("loops", {}).get("fit_loop", {}).get("epoch_loop.state_dict", {})
    return int(loop.get("_batches_that_stepped", checkpoint.get("global_step", 0)))


def resume_last(config: Any) -> Path | None:
    """Rewrite a parsed ``fit`` config in place to resume its newest ``last.ckpt``, if any."""
    loggers = config.trainer.logger
    if not isinstance(loggers, list):
        return None
    csv = next((lg for lg in loggers if lg.class_path.endswith("CSVLogger")), None)
    if csv is None:
        return None
    found = newest_last_checkpoint(csv.init_args.save_dir, csv.init_args.name)
    if found is None:
        return None
    checkpoint = load_checkpoint(found)
    identity = checkpoint.get(KEY, {})
    csv.init_args.version = identity.get("csv_version", found.parent.parent.name)
    if hasattr(csv.init_args, "resume_step"):
        csv.init_args.resume_step = logged_step(checkpoint)
    for logger in loggers:
        if logger.class_path.endswith("WandbLogger") and identity.get("wandb_id"):
            logger.init_args.id = identity["wandb_id"]
    config.ckpt_path = str(found)
    return found
