"""Replacing a file in one step, so that a crash never leaves half of it behind.

Checkpoints, cached features, the resumed metrics CSV and the study's records
are all written the same way: into a temporary sibling, flushed to disk, then
renamed over the target. Readers see the old file or the new one; a failed
write (a full disk included, said in one line) leaves the old file and no
temporary, and the temporary a kill left is removed by the next start
(:func:`remove_orphans`).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from ginv_lightning.persistence.disk_space import disk_full, is_disk_full


@contextmanager
def atomic_writer(
    path: str | Path, mode: str = "wb", newline: str | None = None
) -> Iterator[IO[Any]]:
    """A handle whose content replaces ``path`` when the block ends without error."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(temporary, mode, newline=newline) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except (OSError, RuntimeError) as exc:
        if is_disk_full(exc):
            temporary.unlink(missing_ok=True)  # before measuring the space left
            raise disk_full(exc, target) from None
        raise
    finally:
        temporary.unlink(missing_ok=True)


def remove_orphans(folder: str | Path) -> list[Path]:
    """Delete the temporaries in ``folder`` whose writer process is gone (killed mid-write)."""
    removed = []
    for temporary in Path(folder).glob(".*.tmp"):
        pid = temporary.name.removesuffix(".tmp").rpartition(".")[2]
        if pid.isdigit() and not _alive(int(pid)):
            temporary.unlink(missing_ok=True)
            removed.append(temporary)
    return removed


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process
        return True
    return True


def write_atomic(path: str | Path, text: str) -> None:
    """Replace ``path`` with ``text`` in one step."""
    with atomic_writer(path, "w") as handle:
        handle.write(text)
