"""A full disk said in one line: which folder, how much is free, what was kept.

torch reports a full disk from inside its zip writer as a ``RuntimeError``
("enforce fail at inline_container.cc"), with the ``No space left on device``
of the failed write only somewhere in the chain of causes; other writers raise
``OSError`` with ``errno.ENOSPC``. Either way the cause is found here.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

from ginv_lightning.errors import DiskFullError, causes

NO_SPACE = "No space left on device"


def is_disk_full(exc: BaseException) -> bool:
    """Whether ``exc`` or anything in its chain of causes is a full disk."""
    return any(
        (isinstance(c, OSError) and c.errno == errno.ENOSPC) or NO_SPACE in str(c)
        for c in causes(exc)
    )


def disk_full(exc: BaseException, path: str | Path | None = None) -> DiskFullError:
    """The one-line error for a write (of ``path``, else the file ``exc`` names) that found
    no space: the folder, its free space, and that earlier files are kept."""
    named = path or next((c.filename for c in causes(exc) if isinstance(c, OSError)
                          and c.filename), None)  # fmt: skip
    target = Path(named) if named else Path.cwd()
    folder = next((p for p in (target, *target.parents) if p.is_dir()), Path.cwd())
    free_mib = shutil.disk_usage(folder).free / 2**20
    return DiskFullError(
        f"no space left on the device of {folder} while writing {target.name} "
        f"({free_mib:.1f} MiB free); free some space or write elsewhere "
        "(e.g. --trainer.default_root_dir); the files written before are kept"
    )
