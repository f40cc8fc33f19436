"""``ginv`` run in this process, for the CLI tests that need no process of their own.

lightning and wandb are imported at collection on purpose: on first import they
bind a log handler / a write hook to the sys.stderr of the moment, which inside
a test would be capsys's stream, closed when that test ends.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from functools import partial

import lightning  # noqa: F401
import pytest
import wandb  # noqa: F401

from ginv_lightning.plugin_testing import run_ginv_here

# What ``ginv`` returned and printed, as a run in a process of its own gives it.
Outcome = subprocess.CompletedProcess


@pytest.fixture
def ginv(tmp_path, monkeypatch, capsys) -> Callable[..., Outcome]:
    """``ginv`` in this process, in ``tmp_path`` unless the test moves; the environment
    Lightning seeds is restored after each run."""
    monkeypatch.chdir(tmp_path)
    return partial(run_ginv_here, capsys)
