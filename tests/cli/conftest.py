"""``ginv`` run in this process, for the CLI tests that need no process of their own.

lightning and wandb are imported at collection on purpose: on first import they
bind a log handler / a write hook to the sys.stderr of the moment, which inside
a test would be capsys's stream, closed when that test ends.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from typing import NamedTuple

import lightning  # noqa: F401
import pytest
import wandb  # noqa: F401

from ginv_lightning.cli import main


class Outcome(NamedTuple):
    """What ``ginv`` returned and printed (the fields of a ``CompletedProcess`` used here)."""

    returncode: int | str | None
    stdout: str
    stderr: str


@pytest.fixture
def ginv(tmp_path, monkeypatch, capsys) -> Iterator[Callable[..., Outcome]]:
    """``ginv`` in this process and in ``tmp_path``; the environment Lightning seeds is restored."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WANDB_MODE", "offline")
    environment = dict(os.environ)

    def run(*args: str) -> Outcome:
        capsys.readouterr()
        try:
            code: int | str | None = main(args)
        except SystemExit as exit:  # jsonargparse's own argument errors
            code = exit.code
        captured = capsys.readouterr()
        return Outcome(code, captured.out, captured.err)

    yield run
    os.environ.clear()
    os.environ.update(environment)
