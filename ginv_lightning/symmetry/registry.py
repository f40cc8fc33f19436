"""Discovering symmetry groups through the ``ginv.groups`` entry points.

Entry points are read from package metadata without importing anything; a
plugin module is imported the first time its group is listed or used. A plugin
that fails to import, or whose ``build()`` raises, is reported as broken in one
line and never takes the others down.

A name must mean one group: when it can be read through registrations of two
distributions (``C4`` registered by a plugin, and the built-in family ``C`` with
``n=4``), resolving it is refused with both named, so that no plugin can
silently shadow another's group.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import TYPE_CHECKING, Any

from ginv_lightning.symmetry.errors import (
    BrokenGroupPluginError,
    DuplicateGroupError,
    GroupError,
    GroupSpecError,
)
from ginv_lightning.symmetry.plugin import GroupFamily
from ginv_lightning.symmetry.spec import (
    GroupSpec,
    is_integer_index,
    shorthand_splits,
    split_spec,
    unknown_group,
)

if TYPE_CHECKING:
    from ginv_lightning.symmetry.escnn_group import EscnnGroup

ENTRY_POINT_GROUP = "ginv.groups"


def canonical_distribution(name: str) -> str:
    """A distribution name as pip compares them (PEP 503): ``Ginv_Test.X`` is ``ginv-test-x``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def one_line(exc: BaseException) -> str:
    """``Type: last line of the message``: what a user needs of a plugin's exception."""
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return f"{type(exc).__name__}: {lines[-1]}" if lines else type(exc).__name__


@dataclass(eq=False)
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
    def origin(self) -> str:
        """``distribution version``, as messages name a registration."""
        return f"{self.distribution} {self.version}"

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
                f"group {self.name!r} from {self.origin} is broken: {self._error}"
            )
        return self._family

    def _try_load(self) -> None:
        if self._family is not None or self._error is not None:
            return
        try:
            loaded = self.entry_point.load()
        except Exception as exc:  # a plugin's import may raise anything; report it
            self._error = one_line(exc)
            return
        if not isinstance(loaded, GroupFamily):
            self._error = (
                f"entry point {self.entry_point.value!r} must point to a "
                f"ginv_lightning.symmetry.GroupFamily, got {type(loaded).__name__}"
            )
            return
        self._family = loaded


@dataclass(frozen=True)
class Reading:
    """One way to read a name: the registration it designates and the shorthand's index."""

    entry: RegisteredGroup
    params: Mapping[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        """``'C4'`` for an exact name, ``C<n> (n=4)`` for a family's shorthand."""
        if not self.params:
            return repr(self.entry.name)
        ((key, value),) = self.params.items()
        return f"{self.entry.name}<{key}> ({key}={value})"


@dataclass(frozen=True)
class Resolution:
    """What a config value resolves to: the parsed spec and the registration providing it."""

    spec: GroupSpec
    entry: RegisteredGroup


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

    def conflicts_of(self, entry: RegisteredGroup) -> list[Reading]:
        """The other distributions' readings of ``entry``'s name: non-empty means it is unusable."""
        readings, _ = self._readings(entry.name)
        own = canonical_distribution(entry.distribution)
        return [r for r in readings if canonical_distribution(r.entry.distribution) != own]

    def family(self, name: str) -> GroupFamily:
        """The family registered as ``name``; raises a :class:`GroupError` subclass."""
        entries = self._by_name.get(name)
        if not entries:
            raise self._unknown(name)
        if len(entries) > 1:
            raise _ambiguous(name, [Reading(e) for e in entries])
        return entries[0].load()

    def find(self, spec: str | Mapping[str, Any]) -> Resolution:
        """The registration a config value names, without building the group.

        Raises :class:`UnknownGroupError`, :class:`GroupSpecError`,
        :class:`BrokenGroupPluginError` (a shorthand's family failed to import) or
        :class:`DuplicateGroupError` (two distributions could provide the name).
        """
        text, params = split_spec(spec)
        reading = self._read(text)
        clash = set(reading.params) & set(params)
        if clash:
            raise GroupSpecError(f"{spec!r} gives {sorted(clash)} twice")
        return Resolution(
            GroupSpec(reading.entry.name, {**reading.params, **params}), reading.entry
        )

    def parse(self, spec: str | Mapping[str, Any]) -> GroupSpec:
        """Parse a config value against the installed names: ``"C4"`` is ``C`` with ``n=4``."""
        return self.find(spec).spec

    def resolve(self, spec: str | Mapping[str, Any]) -> EscnnGroup:
        """Build the group a config names, e.g. ``"C4"`` or ``{"name": "SO2", "bandwidth": 6}``."""
        found = self.find(spec)
        return _build(found.entry, found.spec)

    def _read(self, text: str) -> Reading:
        readings, problem = self._readings(text)
        if not readings:
            raise problem or self._unknown(text)
        by_origin: dict[str, Reading] = {}
        for reading in readings:  # exact names first, so they win within one distribution
            by_origin.setdefault(canonical_distribution(reading.entry.distribution), reading)
        if len(by_origin) > 1:
            raise _ambiguous(text, list(by_origin.values()))
        return readings[0]

    def _readings(self, text: str) -> tuple[list[Reading], GroupError | None]:
        """Every valid reading of ``text`` (exact names first) and the first invalid one's error.

        Reading a shorthand imports its family (for the index it takes); an exact
        name is read without importing anything.
        """
        readings = [Reading(entry) for entry in self._by_name.get(text, [])]
        problem: GroupError | None = None
        for name, index_text in shorthand_splits(text):
            for entry in self._by_name.get(name, []):
                try:
                    index = entry.load().index
                except BrokenGroupPluginError as exc:
                    problem = problem or exc
                    continue
                if index is None:
                    problem = problem or GroupSpecError(
                        f"group {name!r} takes no number after its name; got {text!r}"
                    )
                elif not is_integer_index(index_text):
                    problem = problem or GroupSpecError(
                        f"{text!r}: {name}<{index}> needs an integer {index} >= 1 after the name "
                        f"(e.g. {name}4), got {index_text!r}"
                    )
                else:
                    readings.append(Reading(entry, {index: int(index_text)}))
        return readings, problem

    def _unknown(self, name: str) -> GroupError:
        indexed = [e.name for e in self.entries() if e.error is None and e.load().index]
        return unknown_group(name, self.names(), indexed)


def _ambiguous(text: str, readings: list[Reading]) -> DuplicateGroupError:
    claims = [f"{r.entry.origin} registers {r.describe()}" for r in readings]
    listed = ", ".join(claims[:-1]) + f" and {claims[-1]}"
    return DuplicateGroupError(
        f"group {text!r} is provided by {len(readings)} distributions: {listed}; "
        "a plugin may not shadow another distribution's group, so uninstall one of them"
    )


def _build(entry: RegisteredGroup, spec: GroupSpec) -> EscnnGroup:
    family = entry.load()
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
    try:
        return family.build(**spec.params)
    except GroupError:
        raise
    except Exception as exc:  # a plugin's bug: one line for the user, the cause kept for its author
        raise BrokenGroupPluginError(
            f"group {spec.name!r} from {entry.origin} is broken: {one_line(exc)}"
        ) from exc


@cache
def default_registry() -> GroupRegistry:
    """The registry of the running environment, read once per process."""
    return GroupRegistry()


def resolve_group(spec: str | Mapping[str, Any]) -> EscnnGroup:
    """Build a group from the installed plugins; the one call most code needs."""
    return default_registry().resolve(spec)
