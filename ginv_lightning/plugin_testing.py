"""Testing a symmetry plugin as users get it: pip-installed, listed, uninstalled.

For a plugin's own test suite (``plugins/ginv-volumetric/tests`` and
``plugins/ginv-sets/tests`` use it): build and install the plugin from a copy of
its source into a folder put on ``sys.path`` for the session, and install and
uninstall it for real in a throwaway virtual environment that borrows the
running environment's packages, so nothing is installed into, or removed from,
the environment the tests run in and nothing is downloaded.
"""

from __future__ import annotations

import importlib
import os
import random
import shutil
import site
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

PIP_OFFLINE = ("--quiet", "--no-deps", "--no-index", "--no-build-isolation")


def source_copy(plugin: Path, scratch: Path) -> Path:
    """A copy of the plugin's source without tests and build files (the checkout stays clean)."""
    copy = scratch / plugin.name
    ignored = shutil.ignore_patterns("tests", "build", "*.egg-info", "__pycache__")
    shutil.copytree(plugin, copy, ignore=ignored)
    return copy


def install_into(plugin: Path, target: Path, scratch: Path) -> None:
    """``pip install --target target`` the plugin, built from a copy in ``scratch``."""
    source = source_copy(plugin, scratch)
    command = [sys.executable, "-m", "pip", "install", *PIP_OFFLINE, "--target", str(target)]
    subprocess.run([*command, str(source)], check=True)


def install_for_session(plugin: Path) -> Path:
    """Install the plugin into a new temporary folder, put first on ``sys.path`` (and the
    group and metric registries re-read); returns the folder, for :func:`remove_session_install`."""
    from ginv_lightning.metrics.registry import registered_metrics
    from ginv_lightning.symmetry.registry import default_registry

    root = Path(tempfile.mkdtemp(prefix=f"{plugin.name}-"))
    target = root / "site"
    install_into(plugin, target, root)
    sys.path.insert(0, str(target))
    importlib.invalidate_caches()
    default_registry.cache_clear()
    registered_metrics.cache_clear()
    return target


def remove_session_install(target: Path) -> None:
    """Undo :func:`install_for_session`."""
    from ginv_lightning.metrics.registry import registered_metrics
    from ginv_lightning.symmetry.registry import default_registry

    sys.path.remove(str(target))
    default_registry.cache_clear()
    registered_metrics.cache_clear()
    shutil.rmtree(target.parent, ignore_errors=True)


def run_ginv_with(
    target: Path, *args: str, cwd: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """The installed ``ginv`` console script with the plugin in ``target`` on its path."""
    path = os.pathsep.join(filter(None, [str(target), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "WANDB_MODE": "offline"}
    script = Path(sys.executable).parent / "ginv"
    return subprocess.run(
        [str(script), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=timeout
    )


class CapturedOutput(Protocol):
    """pytest's ``capsys`` fixture, as far as :func:`run_ginv_here` uses it."""

    def readouterr(self) -> Any: ...


def run_ginv_here(
    capsys: CapturedOutput, *args: str, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """``ginv`` in this process, in ``cwd`` (default: where it is), and for a plugin's tests
    with the session install on ``sys.path``.

    What :func:`run_ginv_with` returns (exit code, stdout, stderr), without a
    process of its own that starts torch and Lightning again (seconds each), for
    commands that need none. What a process of its own would have kept to itself
    is restored: the working directory, the environment (which Lightning's
    seeding writes to), the random states it seeds, torch's thread count and its
    deterministic-algorithms switch. Import Lightning and wandb
    before the test: on first import they bind a log handler / a write hook to
    the ``sys.stderr`` of the moment, which inside a test is ``capsys``'s,
    closed when that test ends.
    """
    from ginv_lightning.cli import main

    before, environment = Path.cwd(), dict(os.environ)
    os.chdir(cwd or before)
    os.environ["WANDB_MODE"] = "offline"
    capsys.readouterr()
    try:
        with _random_states_kept():
            code: int | str | None = main(list(args))
    except SystemExit as exit:  # jsonargparse's own argument errors
        code = exit.code
    finally:
        os.chdir(before)
        os.environ.clear()
        os.environ.update(environment)
    captured = capsys.readouterr()
    return subprocess.CompletedProcess(list(args), code, captured.out, captured.err)  # type: ignore[arg-type]


@contextmanager
def _random_states_kept() -> Iterator[None]:
    """Python's, numpy's, torch's (and CUDA's) random states, torch's threads and determinism."""
    import numpy
    import torch

    states = random.getstate(), numpy.random.get_state(), torch.random.get_rng_state()
    cuda = torch.cuda.get_rng_state_all() if torch.cuda.is_available() else None
    threads = torch.get_num_threads()
    deterministic = torch.are_deterministic_algorithms_enabled()
    warn_only = torch.is_deterministic_algorithms_warn_only_enabled()
    try:
        yield
    finally:
        random.setstate(states[0])
        numpy.random.set_state(states[1])
        torch.random.set_rng_state(states[2])
        if cuda is not None:
            torch.cuda.set_rng_state_all(cuda)
        torch.set_num_threads(threads)
        torch.use_deterministic_algorithms(deterministic, warn_only=warn_only)


def throwaway_venv(root: Path) -> Path:
    """A venv whose site-packages also reads this environment's (its .pth files included);
    returns its python."""
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(root)], check=True)
    python = root / "bin" / "python"
    own = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    lines = [f"import site; site.addsitedir({path!r})" for path in site.getsitepackages()]
    (Path(own) / "outer-environment.pth").write_text("\n".join(lines) + "\n")
    return python


def pip(python: Path, *args: str, cwd: Path) -> None:
    """Run pip of that environment (offline, no dependencies for ``install``)."""
    extra = PIP_OFFLINE if args[0] == "install" else ("--quiet",)
    command = [str(python), "-m", "pip", "--disable-pip-version-check", args[0], *extra]
    subprocess.run([*command, *args[1:]], check=True, cwd=cwd)


def listed_groups(python: Path, cwd: Path) -> dict[str, str]:
    """``ginv groups list`` in that environment: each name's order, distribution and version."""
    result = subprocess.run(
        [str(python), "-m", "ginv_lightning.cli", "groups", "list"],
        capture_output=True, text=True, cwd=cwd, check=True,
    )  # fmt: skip
    rows = [line.split() for line in result.stdout.splitlines()[1:]]
    return {row[0]: " ".join([row[1], *row[-3:-1]]) for row in rows}
