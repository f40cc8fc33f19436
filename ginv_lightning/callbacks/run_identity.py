"""Records in each checkpoint which W&B run it belongs to.

``ginv fit --ckpt_path last`` reads this back to continue the same W&B run
after a crash instead of starting a new one; the run directory (CSV file,
checkpoints) is the one the checkpoint lies in.
"""

from __future__ import annotations

from typing import Any

from lightning.pytorch import Callback, LightningModule, Trainer
from lightning.pytorch.loggers import WandbLogger
from typing_extensions import override

from ginv_lightning.persistence.checkpoint_keys import RUN_KEY


class RunIdentity(Callback):
    """Writes the W&B run id of this run into every checkpoint (under ``RUN_KEY``)."""

    @override
    def on_save_checkpoint(
        self, trainer: Trainer, pl_module: LightningModule, checkpoint: dict[str, Any]
    ) -> None:
        identity: dict[str, Any] = {}
        for logger in trainer.loggers:
            if isinstance(logger, WandbLogger):
                identity["wandb_id"] = logger.version
        checkpoint[RUN_KEY] = identity
