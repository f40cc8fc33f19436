"""Parsing what a user writes for a group: ``C4``, ``flip`` or ``{name: SO2, bandwidth: 6}``."""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ginv_lightning.symmetry.errors import GroupSpecError, UnknownGroupError

_SHORTHAND = re.compile(r"^(?P<name>.*?)(?P<index>[-+]?\d+(?:\.\d*)?)$")


@dataclass(frozen=True)
class GroupSpec:
    """A registered family name and the parameters to build one of its groups."""

    name: str
    params: Mapping[str, Any] = field(default_factory=dict)

    def __str__(self) -> str:
        if not self.params:
            return self.name
        args = ", ".join(f"{key}={value!r}" for key, value in sorted(self.params.items()))
        return f"{self.name}({args})"


def parse_group_spec(
    spec: str | Mapping[str, Any],
    names: Collection[str],
    index_of: Callable[[str], str | None],
) -> GroupSpec:
    """Turn a config value into a :class:`GroupSpec`.

    Args:
        spec: ``"C4"``, ``"SO2"`` or a mapping with a ``name`` key and parameters.
        names: the registered family names.
        index_of: for a family name, the integer parameter its shorthand appends
            (``"n"`` for ``C``, ``None`` for ``SO2``); called only for shorthands.
    """
    if isinstance(spec, Mapping):
        params = dict(spec)
        if "name" not in params or not isinstance(params["name"], str):
            raise GroupSpecError(
                f"a group given as a mapping needs a 'name' key with a string value, got {spec!r}; "
                "write e.g. {name: SO2, bandwidth: 6}"
            )
        base = parse_group_spec(params.pop("name"), names, index_of)
        clash = set(base.params) & set(params)
        if clash:
            raise GroupSpecError(f"{spec!r} gives {sorted(clash)} twice")
        return GroupSpec(base.name, {**base.params, **params})
    if not isinstance(spec, str):
        raise GroupSpecError(
            f"a group is a name such as 'C4' or a mapping such as {{name: SO2, bandwidth: 6}}, "
            f"got {spec!r} of type {type(spec).__name__}"
        )
    text = spec.strip()
    if text in names:
        return GroupSpec(text)
    match = _SHORTHAND.match(text)
    if match and match["name"] in names:
        name, index_text = match["name"], match["index"]
        index = index_of(name)
        if index is None:
            raise GroupSpecError(f"group {name!r} takes no number after its name; got {text!r}")
        if not re.fullmatch(r"[-+]?\d+", index_text):
            raise GroupSpecError(
                f"{text!r}: {name}<{index}> needs an integer {index} >= 1 after the name "
                f"(e.g. {name}4), got {index_text!r}"
            )
        return GroupSpec(name, {index: int(index_text)})
    raise unknown_group(text, names)


def unknown_group(name: str, installed: Collection[str]) -> UnknownGroupError:
    """The error for a name no plugin registers, listing what is installed."""
    listed = ", ".join(sorted(installed)) or "(none)"
    return UnknownGroupError(
        f"unknown group {name!r}; installed groups: {listed}. "
        "Families such as C and D take their order after the name (C4, D8). "
        "Run `ginv groups list` for details."
    )
