"""A Lightning trainer for the many short, unlogged fits of benchmarks and studies."""

from __future__ import annotations

import logging
import warnings

from lightning.pytorch import Callback, Trainer


def quiet_trainer(
    max_steps: int,
    callbacks: list[Callback],
    accelerator: str = "cpu",
    precision: str = "32-true",
) -> Trainer:
    """No checkpoints, loggers, validation, progress bars, summaries or Lightning chatter.

    Hundreds of tiny fits would otherwise print hundreds of banners, and any
    writing to disk would be timed along with the training.
    """
    logging.getLogger("lightning.pytorch").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="lightning")
    return Trainer(
        accelerator=accelerator,
        devices=1,
        precision=precision,
        max_steps=max_steps,
        max_epochs=-1,
        logger=False,
        enable_checkpointing=False,
        enable_progress_bar=False,
        enable_model_summary=False,
        limit_val_batches=0,
        num_sanity_val_steps=0,
        callbacks=callbacks,
    )
