"""The plugin really installed with pip for the whole session, and the real ``ginv`` command.

At start-up the plugin is built from a copy of its source and installed with
``pip install --target`` into a temporary directory, which goes on ``sys.path``
(before the test modules are imported) and on ``PYTHONPATH`` for subprocesses:
the tests see the installed distribution, its metadata and its entry points,
as a user's environment would, and nothing is installed into the environment.
"""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

PLUGIN = Path(__file__).resolve().parents[1]
SITE = pytest.StashKey[Path]()


def pytest_configure(config: pytest.Config) -> None:
    from ginv_lightning.plugin_testing import install_into
    from ginv_lightning.symmetry.registry import default_registry

    root = Path(tempfile.mkdtemp(prefix="ginv-volumetric-"))
    site = root / "site"
    install_into(PLUGIN, site, root)
    config.stash[SITE] = site
    sys.path.insert(0, str(site))
    importlib.invalidate_caches()
    default_registry.cache_clear()


def pytest_unconfigure(config: pytest.Config) -> None:
    from ginv_lightning.symmetry.registry import default_registry

    site = config.stash.get(SITE, None)
    if site is None:
        return
    sys.path.remove(str(site))
    default_registry.cache_clear()
    shutil.rmtree(site.parent, ignore_errors=True)


@pytest.fixture(scope="session")
def plugin_site(pytestconfig: pytest.Config) -> Path:
    """Where the plugin is installed (its package and its dist-info)."""
    return pytestconfig.stash[SITE]


Ginv = Callable[..., subprocess.CompletedProcess]


@pytest.fixture(scope="session")
def ginv(plugin_site: Path) -> Ginv:
    """Run the installed ``ginv`` console script with the plugin installed; capture its output."""

    def run(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
        path = os.pathsep.join(filter(None, [str(plugin_site), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, "PYTHONPATH": path, "WANDB_MODE": "offline"}
        script = Path(sys.executable).parent / "ginv"
        return subprocess.run(
            [str(script), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
        )

    return run
