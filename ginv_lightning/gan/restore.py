"""Rebuilding a trained GAN from a checkpoint, for sampling and evaluation."""

from __future__ import annotations

from pathlib import Path

from ginv_lightning.errors import DataError
from ginv_lightning.experiment import SECTIONS, build_experiment
from ginv_lightning.gan.module import GAN
from ginv_lightning.nn.base import Generator
from ginv_lightning.persistence.checkpoint_keys import EXPERIMENT_KEY, GROUP_KEY
from ginv_lightning.persistence.checkpoints import load_checkpoint
from ginv_lightning.persistence.trusted_classes import check_class_paths
from ginv_lightning.symmetry import check_group_record


def gan_from_checkpoint(path: str | Path, trust_class_paths: bool = False) -> GAN:
    """The :class:`GAN` a checkpoint was trained as, with its weights (read weights-only).

    The checkpoint's own ``model:`` and ``data:`` sections go through the same
    parser as ``ginv fit``, so the rebuilt networks are the trained ones; a group
    whose plugin is gone is named with the ``pip install`` that brings it back.
    Their class paths must come from ginv_lightning, torch, lightning or an
    installed group plugin unless ``trust_class_paths`` (see
    :mod:`ginv_lightning.persistence.trusted_classes`).
    """
    checkpoint = load_checkpoint(path)
    config, group = checkpoint.get(EXPERIMENT_KEY), checkpoint.get(GROUP_KEY)
    if not isinstance(config, dict) or group is None or "state_dict" not in checkpoint:
        raise DataError(f"{str(path)!r} is not a checkpoint written by `ginv fit`")
    source = f"checkpoint {str(path)!r}"
    sections = {name: config.get(name) for name in SECTIONS}
    check_group_record(group)  # the plugin that provided the group is still there
    check_class_paths(sections, source, trust=trust_class_paths)  # before anything is imported
    module = build_experiment(config, source=source).model
    module.load_state_dict(checkpoint["state_dict"])
    return module


def generator_from_checkpoint(path: str | Path, trust_class_paths: bool = False) -> Generator:
    """The checkpoint's EMA generator, exported to plain torch and in eval mode."""
    module = gan_from_checkpoint(path, trust_class_paths)
    module.sampler.eval()
    return module.sampler.export().eval()
