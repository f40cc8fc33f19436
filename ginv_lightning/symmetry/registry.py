"""Discovering symmetry groups through the ``ginv.groups`` entry points.

Entry points are read from package metadata without importing anything; a
plugin module is imported the first time its group is listed or used. A plugin
that fails to import is reported as broken and never takes the others down.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from ginv_lightning.symmetry.errors import (
    BrokenGroupPluginError,
    DuplicateGroupError,
    GroupSpecError,
)
from ginv_lightning.symmetry.plugin import GroupFamily
from ginv_lightning.symmetry.spec import GroupSpec, parse_group_spec, unknown_group

if TYPE_CHECKING:
    from ginv_lightning.symmetry.base import Symmetry

ENTRY_POINT_GROUP = "ginv.groups"


@dataclass
class RegisteredGroup:
    """One entry point of the ``ginv.groups`` group, loaded on demand."""

    entry_point: EntryPoint
    _family: GroupFamily | None = field(default=None, repr=False)
    _error: str | None = field(default=None, repr=False)

    @property
    def name(self) -> str:
        return self.entry_point.name

    @property
    def distribution(self) -> str:
        dist = self.entry_point.dist
        return dist.metadata["Name"] if dist is not None else "?"

    @property
    def version(self) -> str:
        dist = self.entry_point.dist
        return dist.version if dist is not None else "?"

    @property
    def error(self) -> str | None:
        """The import error of a broken plugin (loads the plugin if needed)."""
        self._try_load()
        return self._error

    def load(self) -> GroupFamily:
        """The plugin's :class:`GroupFamily`; raises :class:`BrokenGroupPluginError`."""
        self._try_load()
        if self._family is None:
            raise BrokenGroupPluginError(
                f"group {self.name!r} from {self.distribution} {self.version} is broken: "
                f"{self._error}"
            )
        return self._family

    def _try_load(self) -> None:
        if self._family is not None or self._error is not None:
            return
        try:
            loaded = self.entry_point.load()
        except Exception as exc:  # a plugin's import may raise anything; report it
            self._error = f"{type(exc).__name__}: {exc}"
            return
        if not isinstance(loaded, GroupFamily):
            self._error = (
                f"entry point {self.entry_point.value!r} must point to a "
                f"ginv_lightning.symmetry.GroupFamily, got {type(loaded).__name__}"
            )
            return
        self._family = loaded


class GroupRegistry:
    """The installed symmetry groups, by name."""

    def __init__(self, points: Iterable[EntryPoint] | None = None) -> None:
        if points is None:
            points = entry_points(group=ENTRY_POINT_GROUP)
        self._by_name: dict[str, list[RegisteredGroup]] = {}
        seen: set[tuple[str, str]] = set()
        for point in points:
            entry = RegisteredGroup(point)
            key = (entry.name, entry.distribution)
            if key in seen:  # the same distribution found twice on sys.path
                continue
            seen.add(key)
            self._by_name.setdefault(entry.name, []).append(entry)

    def names(self) -> list[str]:
        return sorted(self._by_name)

    def entries(self) -> list[RegisteredGroup]:
        """Every registration, duplicates included, sorted by name."""
        return [entry for name in self.names() for entry in self._by_name[name]]

    def duplicates_of(self, name: str) -> list[RegisteredGroup]:
        """All registrations of ``name`` when more than one distribution registers it."""
        entries = self._by_name.get(name, [])
        return entries if len(entries) > 1 else []

    def family(self, name: str) -> GroupFamily:
        """The family registered as ``name``; raises a :class:`GroupError` subclass."""
        entries = self._by_name.get(name)
        if not entries:
            raise unknown_group(name, self.names())
        if len(entries) > 1:
            owners = " and ".join(f"{e.distribution} {e.version}" for e in entries)
            raise DuplicateGroupError(
                f"group {name!r} is registered by both {owners}; uninstall one of them"
            )
        return entries[0].load()

    def parse(self, spec: str | Mapping[str, Any]) -> GroupSpec:
        """Parse a config value against the installed names (see :func:`parse_group_spec`)."""
        return parse_group_spec(spec, self._by_name, lambda name: self.family(name).index)

    def resolve(self, spec: str | Mapping[str, Any]) -> Symmetry:
        """Build the group a config names, e.g. ``"C4"`` or ``{"name": "SO2", "bandwidth": 6}``."""
        parsed = self.parse(spec)
        family = self.family(parsed.name)
        return _build(family, parsed)


def _build(family: GroupFamily, spec: GroupSpec) -> Symmetry:
    params = family.parameters()
    unknown = sorted(set(spec.params) - set(params))
    if unknown:
        raise GroupSpecError(
            f"group {spec.name!r} does not take {unknown}; write it as {family.usage(spec.name)}"
        )
    missing = [
        name
        for name, param in params.items()
        if param.default is inspect.Parameter.empty and name not in spec.params
    ]
    if missing:
        raise GroupSpecError(
            f"group {spec.name!r} needs {missing}; write it as {family.usage(spec.name)}"
        )
    return family.build(**spec.params)


@cache
def default_registry() -> GroupRegistry:
    """The registry of the running environment, read once per process."""
    return GroupRegistry()


def resolve_group(spec: str | Mapping[str, Any]) -> Symmetry:
    """Build a group from the installed plugins; the one call most code needs."""
    return default_registry().resolve(spec)
