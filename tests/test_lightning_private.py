"""Lightning's private API that ``ginv_lightning.lightning_private`` relies on is still there.

Each check names what ginv would silently lose if a Lightning release renamed
or stopped calling it. No other module may touch Lightning's private names.
"""

from __future__ import annotations

import inspect
import re

from lightning.pytorch.callbacks import ModelCheckpoint
from lightning.pytorch.cli import LightningCLI
from lightning.pytorch.loggers import CSVLogger
from lightning.pytorch.loggers.csv_logs import ExperimentWriter
from lightning.pytorch.strategies import DDPStrategy

from tests.conftest import REPO


def _parameters(function) -> list[str]:
    return list(inspect.signature(function).parameters)


def test_lightning_cli_still_calls_the_private_steps_ginv_replaces():
    source = inspect.getsource(LightningCLI)
    # else a checkpoint's hyper-parameters would be merged over the user's config again
    assert "self._parse_ckpt_path()" in inspect.getsource(LightningCLI.__init__)
    # else the always-on checkpoint callback could not yield to enable_checkpointing: false
    assert "self._instantiate_trainer(" in inspect.getsource(LightningCLI.instantiate_trainer)
    assert _parameters(LightningCLI._instantiate_trainer) == ["self", "config", "callbacks"]
    assert _parameters(LightningCLI._parser) == ["self", "subcommand"]
    assert "def _parse_ckpt_path(self)" in source


def test_model_checkpoint_still_saves_through_these_steps():
    for name, arguments in {
        "_should_skip_saving_checkpoint": ["self", "trainer"],
        "_monitor_candidates": ["self", "trainer"],
        "_save_topk_checkpoint": ["self", "trainer", "monitor_candidates"],
        "_save_last_checkpoint": ["self", "trainer", "monitor_candidates"],
    }.items():
        assert _parameters(getattr(ModelCheckpoint, name)) == arguments, name


def test_ddp_keeps_its_arguments_where_the_gan_reads_them():
    assert DDPStrategy(find_unused_parameters=True)._ddp_kwargs["find_unused_parameters"] is True


def test_the_csv_writer_is_still_made_and_checked_where_the_resumable_logger_hooks_in():
    constructors = [inspect.getsource(c.__init__) for c in ExperimentWriter.__mro__[:-1]]
    assert any("self._check_log_dir_exists()" in source for source in constructors)
    experiment = inspect.getsource(CSVLogger.experiment.fget)
    assert "self._experiment" in experiment and "self._fs.makedirs" in experiment


def test_no_other_module_touches_lightning_private_names():
    private = re.compile(
        r"_parse_ckpt_path|_instantiate_trainer|_run_subcommand|\._parser\(|_ddp_kwargs"
        r"|_should_skip_saving_checkpoint|_monitor_candidates|_save_topk_checkpoint"
        r"|_save_last_checkpoint|_check_log_dir_exists|self\._fs\b"
    )
    users = {
        path.relative_to(REPO).as_posix()
        for path in (REPO / "ginv_lightning").rglob("*.py")
        if private.search(path.read_text())
    }
    assert users == {"ginv_lightning/lightning_private.py"}
