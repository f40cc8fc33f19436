"""The plugin really installed with pip for the whole session, and the real ``ginv`` command.

At start-up the plugin is built from a copy of its source and installed with
``pip install --target`` into a temporary directory, which goes on ``sys.path``
(before the test modules are imported) and on ``PYTHONPATH`` for subprocesses:
the tests see the installed distribution and its entry points, as a user's
environment would, and nothing is installed into the running environment.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from functools import partial
from pathlib import Path

import lightning  # noqa: F401  (imported before any test: see run_ginv_here)
import pytest
import wandb  # noqa: F401  (the same)

from ginv_lightning.plugin_testing import (
    install_for_session,
    remove_session_install,
    run_ginv_here,
    run_ginv_with,
)

PLUGIN = Path(__file__).resolve().parents[1]
SITE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    config.stash[SITE] = install_for_session(PLUGIN)


def pytest_unconfigure(config: pytest.Config) -> None:
    site = config.stash.get(SITE, None)
    if site is not None:
        remove_session_install(site)


@pytest.fixture(scope="session")
def sets_site(pytestconfig: pytest.Config) -> Path:
    """Where the plugin is installed (its package and its dist-info)."""
    return pytestconfig.stash[SITE]


@pytest.fixture(scope="session")
def ginv_with_sets(sets_site: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run the installed ``ginv`` console script with the plugin installed; capture its output."""
    return partial(run_ginv_with, sets_site)


@pytest.fixture
def ginv_here(
    capsys: pytest.CaptureFixture[str],
) -> Callable[..., subprocess.CompletedProcess[str]]:
    """``ginv`` in the test's process (plugin on ``sys.path``), for commands that need no
    process of their own; the same result as ``ginv_with_sets``."""
    return partial(run_ginv_here, capsys)
