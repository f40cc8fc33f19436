"""Shared fixtures: real installed plugin distributions, and running the real ``ginv``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

FIXTURE_PLUGINS = Path(__file__).parent / "fixtures" / "plugins"
REPO = Path(__file__).resolve().parent.parent


def pytest_configure(config: pytest.Config) -> None:
    """Under pytest-xdist (``make test`` runs a worker per core), one thread per worker.

    torch's intra-op threads spin: two processes with a thread per core each
    slow each other far more than twice. The ``ginv`` subprocesses that tests
    start inherit the setting through the environment.
    """
    if os.environ.get("PYTEST_XDIST_WORKER"):
        import torch

        os.environ["OMP_NUM_THREADS"] = "1"
        torch.set_num_threads(1)


# The longest files of a cold fresh-clone run on the 2-core machine (85 to 90 s each,
# measured 2026-12-07): started first, so neither worker is left with one at the end.
LONGEST_FIRST = (
    "tests/test_install.py",
    "tests/persistence/test_crashes.py",
    "tests/study/test_study_cli.py",
    "tests/distributed/test_ddp.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The longest files first, then files with tests marked ``slow``, the order otherwise kept.

    Under ``--dist loadfile`` each worker takes whole files in this order: the
    long ones start early and the many quick files fill the end, instead of a
    long file running alone on one worker while the other idles. (``make test``
    passes ``--no-loadscope-reorder``: by default pytest-xdist reorders files by
    their number of tests, which started the one-test, 90 s install test last.)
    A file missing from ``LONGEST_FIRST`` only costs time, never a result.
    """
    slow_files = {item.path for item in items if item.get_closest_marker("slow")}
    longest = {REPO / name: rank for rank, name in enumerate(LONGEST_FIRST)}

    def place(item: pytest.Item) -> tuple[int, bool]:
        return longest.get(item.path, len(longest)), item.path not in slow_files

    items.sort(key=place)  # stable: the same order within a file


@pytest.fixture(scope="session", autouse=True)
def subprocess_temp_files(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Temporary files of the processes tests start go under pytest's own temporary folder.

    wandb makes two temporary folders when it is imported and removes them at exit;
    a process the crash tests kill with SIGKILL leaves them behind, and in /tmp they
    would pile up run after run. pytest removes its older folders itself.
    """
    folder = tmp_path_factory.mktemp("process-temp")
    os.environ["TMPDIR"] = str(folder)


@pytest.fixture(scope="session")
def plugin_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory where pip really installed the test plugins (add it to PYTHONPATH to use)."""
    site = tmp_path_factory.mktemp("plugin-site")
    subprocess.run(
        [
            sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
            "--no-build-isolation", "--target", str(site),
            *(str(p) for p in sorted(FIXTURE_PLUGINS.iterdir())),
        ],
        check=True,
    )  # fmt: skip
    return site


def run_ginv(
    *args: str,
    extra_path: Path | None = None,
    timeout: float = 600,
    cwd: Path | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run the installed ``ginv`` console script in a subprocess and capture its output."""
    env = {**os.environ, **(env or {})}
    if extra_path is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(extra_path), env.get("PYTHONPATH")]))
    env.setdefault("WANDB_MODE", "offline")
    ginv = Path(sys.executable).parent / "ginv"
    return subprocess.run(
        [str(ginv), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        cwd=cwd or REPO,
    )
