"""Each compared cell's final model, kept as a small checkpoint that ``ginv sample`` reads.

It holds what :func:`~ginv_lightning.gan.restore.gan_from_checkpoint` needs and
nothing more (no optimiser states): the cell's ``model:`` and ``data:``
sections, the group's record, and the weights without escnn's cached filters.
``ginv sample --ckpt cells/<cell>.ckpt`` then draws from its moving-average
generator, exported to plain torch.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import torch

from ginv_lightning.callbacks.divergence import refuse_diverged
from ginv_lightning.experiment import SECTIONS
from ginv_lightning.persistence.atomic_files import atomic_writer
from ginv_lightning.persistence.checkpoint_keys import EXPERIMENT_KEY


def model_path(record: Path) -> Path:
    return record.with_suffix(".ckpt")


def keep_model(model: Any, config: dict[str, Any], record: Path) -> None:
    """Write the cell's trained GAN beside its ``record`` (atomically).

    The GAN's own ``on_save_checkpoint`` drops the cached filters and records the
    group, and diverged weights are refused, as for every checkpoint of ``ginv fit``.
    """
    checkpoint = {
        EXPERIMENT_KEY: {name: config[name] for name in SECTIONS},
        "state_dict": {k: v.detach().cpu() for k, v in model.state_dict().items()},
    }
    model.on_save_checkpoint(checkpoint)
    refuse_diverged(model, checkpoint)
    with atomic_writer(model_path(record)) as handle:
        torch.save(checkpoint, handle)
