"""Where a checkpoint's group came from, so that restoring it can say what to install.

A checkpoint records the group's spec with the distribution and version that
provided it. Restoring then tells a missing plugin (``pip install X==1.0``) from
a replaced one (another distribution now provides the name), and warns when only
the version changed. Records hold plain strings and JSON values only, because
checkpoints are read with ``torch.load(weights_only=True)``.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Mapping
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ginv_lightning.symmetry.errors import (
    GroupOriginError,
    GroupSpecError,
    GroupVersionWarning,
    UnknownGroupError,
)
from ginv_lightning.symmetry.registry import (
    GroupRegistry,
    canonical_distribution,
    default_registry,
)
from ginv_lightning.symmetry.spec import split_spec

GroupRecord = dict[str, Any]
"""``{"spec": "C4", "distribution": "ginv-lightning", "version": "0.1.0"}``; a spec given
as a mapping stays one (``{"name": "SO2", "bandwidth": 6}``)."""


def group_record(
    spec: str | Mapping[str, Any], registry: GroupRegistry | None = None
) -> GroupRecord:
    """The spec as written plus the distribution and version of the registration providing it.

    Raises what resolving the spec raises (:class:`GroupError` subclasses); the
    group itself is not built.
    """
    registry = registry or default_registry()
    entry = registry.find(spec).entry
    return {"spec": _plain_spec(spec), "distribution": entry.distribution, "version": entry.version}


def check_group_record(record: Mapping[str, Any], registry: GroupRegistry | None = None) -> None:
    """Check that the environment provides a recorded group as it was when it was saved.

    Raises :class:`UnknownGroupError` saying what to ``pip install`` when nothing
    installed provides the name, :class:`GroupOriginError` when another
    distribution now provides it, or whatever resolving raises (a conflict, a
    broken plugin); warns with :class:`GroupVersionWarning` when only the
    distribution's version differs.
    """
    registry = registry or default_registry()
    try:
        spec, dist, saved = record["spec"], str(record["distribution"]), str(record["version"])
        name = split_spec(spec)[0]
    except (KeyError, TypeError, GroupSpecError):
        raise GroupSpecError(
            f"a group record needs 'spec', 'distribution' and 'version', got {record!r}"
        ) from None
    try:
        entry = registry.find(spec).entry
    except UnknownGroupError:
        installed = _installed_version(dist)
        state = (
            "which is not installed"
            if installed is None
            else f"and version {installed} is installed, which does not provide it"
        )
        raise UnknownGroupError(
            f"group {name!r} was provided by {dist} {saved}, {state}: pip install {dist}=={saved}"
        ) from None
    if canonical_distribution(entry.distribution) != canonical_distribution(dist):
        raise GroupOriginError(
            f"group {name!r} was provided by {dist} {saved} but now comes from {entry.origin}; "
            f"to restore the same group, pip uninstall {entry.distribution} and "
            f"pip install {dist}=={saved}"
        )
    if entry.version != saved:
        warnings.warn(
            GroupVersionWarning(
                f"group {name!r} was saved with {dist} {saved} and now comes from {entry.origin}; "
                f"if it behaves differently, pip install {dist}=={saved}"
            ),
            stacklevel=2,
        )


def _plain_spec(spec: str | Mapping[str, Any]) -> str | dict[str, Any]:
    """The spec as JSON values (a ``torch.load(weights_only=True)``-safe form)."""
    if isinstance(spec, str):
        return spec.strip()
    try:
        return json.loads(json.dumps({str(key): value for key, value in spec.items()}))
    except (TypeError, ValueError):
        raise GroupSpecError(
            f"group parameters must be plain values to be saved, got {spec!r}"
        ) from None


def _installed_version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
