"""``ginv fit|validate|test|predict``: LightningCLI with ginv's defaults."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lightning.pytorch import LightningDataModule, Trainer
from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI

from ginv_lightning.callbacks.samples import SampleGrid
from ginv_lightning.checkpoint_io import AtomicCheckpointIO
from ginv_lightning.gan.module import GAN


class GinvCLI(LightningCLI):
    """LightningCLI for :class:`GAN` and any LightningDataModule.

    The data module's image size, channels and grid dimension are linked into
    the model, checkpointing and sample grids are always on (configure them
    under ``checkpoint:`` and ``samples:``), and checkpoints are written atomically.
    """

    def __init__(self, args: Sequence[str] | None = None, **kwargs: Any) -> None:
        super().__init__(
            GAN,
            LightningDataModule,
            subclass_mode_data=True,
            auto_configure_optimizers=False,
            save_config_kwargs={"overwrite": True},
            parser_kwargs={"prog": "ginv", "default_env": False},
            args=args,
            **kwargs,
        )

    def add_arguments_to_parser(self, parser: LightningArgumentParser) -> None:
        parser.add_lightning_class_args(ModelCheckpoint, "checkpoint")
        parser.set_defaults({"checkpoint.save_last": True, "checkpoint.filename": "{step:07d}"})
        parser.add_lightning_class_args(SampleGrid, "samples")
        for name in ("image_size", "channels", "grid_dims"):
            parser.link_arguments(f"data.{name}", f"model.{name}", apply_on="instantiate")

    def instantiate_trainer(self, **kwargs: Any) -> Trainer:
        kwargs.setdefault("plugins", [AtomicCheckpointIO()])
        return super().instantiate_trainer(**kwargs)


def run_lightning(args: Sequence[str] | None) -> None:
    """Run LightningCLI on ``args`` (``None``: the process's own command line)."""
    GinvCLI(args=None if args is None else list(args))
