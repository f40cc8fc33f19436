"""Which classes a checkpoint may make ``ginv`` import when its GAN is rebuilt.

A checkpoint's recorded ``model:`` and ``data:`` sections go through
jsonargparse, which imports every class path they name: a downloaded
checkpoint could otherwise run any importable module's code. Before anything
is imported, every class path (``class_path:`` values and dotted shorthands such
as ``loss: ginv_lightning.gan.losses.RelativisticAverage``) must come from
ginv_lightning, torch, lightning or an installed ``ginv.groups`` plugin
distribution, unless the user trusts the checkpoint explicitly. Configs a user
writes for ``ginv fit`` are theirs and are not checked.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Iterable, Mapping
from importlib.metadata import EntryPoint, entry_points
from typing import Any

from ginv_lightning.errors import DataError

BUILT_IN = ("ginv_lightning", "torch", "lightning", "pytorch_lightning")
DOTTED = re.compile(r"[A-Za-z_]\w*(\.[A-Za-z_]\w*)+")


def trusted_packages(points: Iterable[EntryPoint] | None = None) -> set[str]:
    """The built-in top-level packages and those of installed ``ginv.groups`` distributions.

    Read from package metadata (``top_level.txt`` and the entry points' modules),
    so nothing is imported.
    """
    from ginv_lightning.symmetry.registry import ENTRY_POINT_GROUP

    packages = set(BUILT_IN)
    for point in entry_points(group=ENTRY_POINT_GROUP) if points is None else points:
        packages.add(point.module.partition(".")[0])
        listed = point.dist.read_text("top_level.txt") if point.dist is not None else None
        packages.update(line.strip() for line in (listed or "").splitlines() if line.strip())
    return packages


def class_paths(value: Any, where: str = "") -> Iterable[tuple[str, str]]:
    """``(location, dotted path)`` of every class path jsonargparse could import from ``value``.

    ``class_path:`` values always count; another dotted string counts when its
    top-level module exists (so file names such as ``digits.npz`` do not).
    """
    if isinstance(value, Mapping):
        for key, item in value.items():
            inner = f"{where}.{key}" if where else str(key)
            if key == "class_path" and isinstance(item, str) and "." in item:
                yield inner, item
            else:
                yield from class_paths(item, inner)
    elif isinstance(value, list | tuple):
        for i, item in enumerate(value):
            yield from class_paths(item, f"{where}[{i}]")
    elif isinstance(value, str) and DOTTED.fullmatch(value) and _importable(value.split(".")[0]):
        yield where, value


def _importable(top: str) -> bool:
    """Whether a top-level module can be found (finding one runs none of its code)."""
    try:
        return importlib.util.find_spec(top) is not None
    except (ImportError, ValueError):  # e.g. a module without a spec: count it
        return True


def check_class_paths(
    sections: Mapping[str, Any],
    source: str,
    trust: bool = False,
    points: Iterable[EntryPoint] | None = None,
) -> None:
    """A one-line :class:`DataError` for the first class path from outside the trusted packages.

    Args:
        sections: the recorded ``model:`` and ``data:`` sections (nothing is imported).
        source: names the checkpoint in the message, e.g. ``checkpoint 'x.ckpt'``.
        trust: the user's explicit ``--trust-class-paths``: check nothing.
        points: the ``ginv.groups`` entry points (default: the installed ones).
    """
    if trust:
        return
    trusted = trusted_packages(points)
    for where, path in class_paths(sections):
        if path.partition(".")[0] not in trusted:
            raise DataError(
                f"{source} names class {path!r} (at {where}) from outside ginv_lightning, "
                "torch, lightning and the installed group plugins; pass --trust-class-paths "
                "to load it anyway"
            )
