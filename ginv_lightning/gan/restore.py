"""Rebuilding a trained GAN from a checkpoint, for sampling and evaluation."""

from __future__ import annotations

from pathlib import Path

from ginv_lightning.errors import DataError
from ginv_lightning.experiment import EXPERIMENT_KEY, build_experiment
from ginv_lightning.gan.module import GAN, GROUP_KEY
from ginv_lightning.nn.base import Generator
from ginv_lightning.persistence.checkpoints import load_checkpoint
from ginv_lightning.symmetry import check_group_record


def gan_from_checkpoint(path: str | Path) -> GAN:
    """The :class:`GAN` a checkpoint was trained as, with its weights (read weights-only).

    The checkpoint's own ``model:`` and ``data:`` sections go through the same
    parser as ``ginv fit``, so the rebuilt networks are the trained ones; a group
    whose plugin is gone is named with the ``pip install`` that brings it back.
    """
    checkpoint = load_checkpoint(path)
    config, group = checkpoint.get(EXPERIMENT_KEY), checkpoint.get(GROUP_KEY)
    if not isinstance(config, dict) or group is None or "state_dict" not in checkpoint:
        raise DataError(f"{str(path)!r} is not a checkpoint written by `ginv fit`")
    check_group_record(group)  # the plugin that provided the group is still there
    module = build_experiment(config, source=f"checkpoint {str(path)!r}").model
    module.load_state_dict(checkpoint["state_dict"])
    return module


def generator_from_checkpoint(path: str | Path) -> Generator:
    """The checkpoint's EMA generator, exported to plain torch and in eval mode."""
    module = gan_from_checkpoint(path)
    module.sampler.eval()
    return module.sampler.export().eval()
