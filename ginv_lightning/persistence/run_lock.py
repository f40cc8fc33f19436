"""A run folder being written by a live process is locked: a second writer gets one line.

Two ``ginv fit --ckpt_path last`` started together found the same run and both
wrote into it: every ``metrics.csv`` row twice, checkpoints ``step=N.ckpt`` and
``step=N-v1.ckpt``, two W&B folders with one id. The writer of a run folder
holds an exclusive ``flock`` on ``<run>/writer.lock``, which also records its
pid for the message. The kernel drops the lock when the process ends however it
ends, so the lock of a killed run is never in the way (its file stays, unlocked
and ignored); a run that ends normally releases it at once.
"""

from __future__ import annotations

import os
from pathlib import Path

from ginv_lightning.errors import ConfigError

LOCK = "writer.lock"

_held: dict[Path, int] = {}  # locked run folders of this process -> their open descriptors


def lock_run(run: Path) -> None:
    """Lock ``run`` for this process; a one-line ``ConfigError`` if a live process holds it."""
    import fcntl

    run = Path(run).resolve()
    if run in _held:
        return
    descriptor = os.open(run / LOCK, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.read(descriptor, 32).decode(errors="replace").strip() or "?"
        os.close(descriptor)
        raise ConfigError(
            f"{run} is being written by process {holder}, a live ginv run; wait for it to "
            "end (it resumes from there), or start a new run without --ckpt_path"
        ) from None
    os.ftruncate(descriptor, 0)
    os.write(descriptor, f"{os.getpid()}\n".encode())
    _held[run] = descriptor


def release_runs() -> None:
    """Release every run folder this process locked (when its command ends)."""
    import fcntl

    for descriptor in _held.values():
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        os.close(descriptor)
    _held.clear()
