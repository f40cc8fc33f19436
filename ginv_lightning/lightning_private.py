"""Every use of Lightning's private API, in one place, each where no public hook serves.

``tests/test_lightning_private.py`` checks that each private name used here still
exists, takes the arguments used here, and is still called where ginv relies on
it, so a Lightning release that changes one fails that test loudly instead of
silently changing what ``ginv`` does.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any

from lightning.fabric.utilities.rank_zero import rank_zero_only
from lightning.pytorch import Trainer
from lightning.pytorch.callbacks import Callback, ModelCheckpoint
from lightning.pytorch.cli import LightningArgumentParser, LightningCLI
from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter
from lightning.pytorch.strategies import DDPStrategy
from typing_extensions import override


class PrivateCLIHooks(LightningCLI):
    """LightningCLI with the private steps ginv changes, exposed as public-named methods."""

    @override
    def _parse_ckpt_path(self) -> None:
        """Nothing here. Lightning merges a checkpoint's hyper-parameters over the user's
        config, silently, between parsing and ``before_instantiate_classes``, with no
        hook to turn it off; ginv checks the checkpoint against the config instead."""

    @override
    def _instantiate_trainer(self, config: dict[str, Any], callbacks: list[Callback]) -> Trainer:
        """The public ``instantiate_trainer`` adds trainer arguments only; ginv must also
        remove the always-on checkpoint callback when checkpointing is turned off."""
        config, callbacks = self.trainer_arguments(config, callbacks)
        return super()._instantiate_trainer(config, callbacks)

    def trainer_arguments(
        self, config: dict[str, Any], callbacks: list[Callback]
    ) -> tuple[dict[str, Any], list[Callback]]:
        """The trainer's settings and callbacks, as subclasses want them (default: as given)."""
        return config, callbacks

    def parser_for(self, subcommand: str | None) -> LightningArgumentParser:
        """The argument parser of ``subcommand`` (LightningCLI keeps its parsers private)."""
        return self._parser(subcommand)


def save_checkpoint_now(checkpoint: ModelCheckpoint, trainer: Trainer) -> None:
    """Save as ``checkpoint`` does at its own save points (top-k and ``last``), now.

    ``ModelCheckpoint`` has no public method to save outside its schedule.
    """
    if checkpoint._should_skip_saving_checkpoint(trainer):  # this step is saved already
        return
    candidates = checkpoint._monitor_candidates(trainer)
    checkpoint._save_topk_checkpoint(trainer, candidates)
    checkpoint._save_last_checkpoint(trainer, candidates)


def ddp_finds_unused_parameters(strategy: DDPStrategy) -> bool:
    """Whether DDP was asked to expect parameters without gradients (kept private by Lightning)."""
    return bool(strategy._ddp_kwargs.get("find_unused_parameters"))


class WriterChoosingCSVLogger(CSVLogger):
    """``CSVLogger`` whose writer subclasses make (:meth:`make_writer`).

    Lightning builds its writer inside the ``experiment`` property from private
    state (``_experiment``, ``_fs``), with no hook to choose another.
    """

    @property
    @override
    def experiment(self) -> ExperimentWriter:
        if self._experiment is None and getattr(rank_zero_only, "rank", 0) == 0:
            self._fs.makedirs(self.root_dir, exist_ok=True)
            self._experiment = self.make_writer(self.log_dir)
        return super().experiment

    def make_writer(self, log_dir: str) -> ExperimentWriter:
        return ExperimentWriter(log_dir=log_dir)


class KeepingExperimentWriter(ExperimentWriter):
    """An ``ExperimentWriter`` that hands an existing ``metrics.csv`` to ``keep`` instead of
    deleting it (Lightning's private ``_check_log_dir_exists`` deletes it).

    ``keep(path)`` may rewrite the file and returns its column names.
    """

    def __init__(self, log_dir: str, keep: Callable[[str], list[str]]) -> None:
        self._keep = keep
        super().__init__(log_dir=log_dir)

    @override
    def _check_log_dir_exists(self) -> None:
        if os.path.isfile(self.metrics_file_path):
            self.metrics_keys = self._keep(self.metrics_file_path)
