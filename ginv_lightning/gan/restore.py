"""Rebuilding a trained GAN from a checkpoint, for sampling and evaluation."""

from __future__ import annotations

from pathlib import Path

from ginv_lightning.checkpoint_io import load_checkpoint
from ginv_lightning.errors import DataError
from ginv_lightning.gan.module import GAN
from ginv_lightning.nn.base import Generator


def gan_from_checkpoint(path: str | Path) -> GAN:
    """The :class:`GAN` a checkpoint was trained as, with its weights (read weights-only)."""
    from lightning.pytorch.cli import instantiate_module

    checkpoint = load_checkpoint(path)
    hparams = checkpoint.get("hyper_parameters")
    if not hparams or "state_dict" not in checkpoint:
        raise DataError(f"{str(path)!r} is not a checkpoint written by `ginv fit`")
    config = {k: v for k, v in hparams.items() if not k.startswith("_")}
    module = instantiate_module(GAN, config)
    module.load_state_dict(checkpoint["state_dict"])
    return module


def gan_from_config(path: str | Path) -> GAN:
    """The :class:`GAN` a ``ginv fit`` config describes (networks built, nothing trained)."""
    import yaml
    from lightning.pytorch.cli import instantiate_module

    with open(path) as handle:
        config = yaml.safe_load(handle) or {}
    if "model" not in config:
        raise DataError(f"{str(path)!r} has no 'model:' section; is it a `ginv fit` config?")
    data = config.get("data", {}).get("init_args", {})
    model = {"image_size": data.get("image_size", 28), "channels": data.get("channels", 1)}
    return instantiate_module(GAN, {**config["model"], **model})


def generator_from_checkpoint(path: str | Path) -> Generator:
    """The checkpoint's EMA generator, exported to plain torch and in eval mode."""
    module = gan_from_checkpoint(path)
    module.sampler.eval()
    return module.sampler.export().eval()
