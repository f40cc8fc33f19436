"""A run's own directory, claimed atomically: no two processes ever write into the same one.

``ginv fit`` names each run after its config, ``runs/<config name>/version_<N>``.
The version is claimed with ``os.mkdir``, which fails when another process got
there first; the loser takes the next number, so two jobs started together in
one folder get two directories. The directory records what defines its
experiment (``experiment.json``: the resolved ``model:``/``data:`` sections and
their fingerprint), which is how ``--ckpt_path last`` finds runs of the same
experiment and no other. A run that fails before it starts training removes
what it created, so a failed start leaves nothing behind.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ginv_lightning.errors import ConfigError
from ginv_lightning.persistence.atomic_files import write_atomic
from ginv_lightning.persistence.run_lock import lock_run

RECORD = "experiment.json"
PREFIX = "version_"


@dataclass
class RunDirectory:
    """A claimed run directory and the folders its claim had to create."""

    path: Path
    created: list[Path] = field(default_factory=list)

    def release(self) -> None:
        """Remove the run directory, and the parents made for it that are empty now."""
        shutil.rmtree(self.path, ignore_errors=True)
        for folder in reversed(self.created):
            try:
                folder.rmdir()  # only if empty: another run may have moved in meanwhile
            except OSError:
                break


def claim_run_directory(root: str | Path, name: str) -> RunDirectory:
    """Create ``root/name/version_<N>`` for the lowest free N, atomically."""
    parent = Path(root) / name
    created = [p for p in (Path(root), parent) if not p.exists()]
    try:
        parent.mkdir(parents=True, exist_ok=True)
        version = 1 + max((_version(p) for p in parent.glob(f"{PREFIX}*")), default=-1)
        while True:
            path = parent / f"{PREFIX}{version}"
            try:
                path.mkdir()
                lock_run(path)  # a resume of this run while it trains is refused
                return RunDirectory(path, created)
            except FileExistsError:
                version += 1
    except OSError as exc:
        raise ConfigError(
            f"cannot create a run directory under {str(parent)!r}: {exc.strerror or exc}; "
            "set a writable folder with --trainer.default_root_dir or the loggers' save_dir"
        ) from None


def write_record(run: Path, record: dict[str, Any]) -> None:
    """What defines the run's experiment (see :func:`ginv_lightning.experiment.describe`)."""
    write_atomic(run / RECORD, json.dumps(record, indent=2, sort_keys=True, default=str) + "\n")


def runs_of_experiment(root: str | Path, fingerprint: str) -> list[Path]:
    """Every run directory under ``root`` whose record has this fingerprint."""
    found = []
    for record in Path(root).glob(f"*/{PREFIX}*/{RECORD}"):
        try:
            if json.loads(record.read_text()).get("fingerprint") == fingerprint:
                found.append(record.parent)
        except (OSError, ValueError):  # a record being written, or not ours
            continue
    return found


def newest_last_checkpoint(root: str | Path, fingerprint: str) -> Path | None:
    """The most recently written ``last.ckpt`` among the runs of this experiment."""
    candidates = [
        run / "checkpoints" / "last.ckpt"
        for run in runs_of_experiment(root, fingerprint)
        if (run / "checkpoints" / "last.ckpt").is_file()
    ]
    return max(candidates, key=lambda p: p.stat().st_mtime) if candidates else None


def _version(path: Path) -> int:
    suffix = path.name.removeprefix(PREFIX)
    return int(suffix) if suffix.isdigit() else -1
