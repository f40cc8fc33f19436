"""Parsing what a user writes for a group: ``C4``, ``flip`` or ``{name: SO2, bandwidth: 6}``."""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

from ginv_lightning.symmetry.errors import GroupSpecError, UnknownGroupError

_INDEX = re.compile(r"[-+]?\d+(?:\.\d*)?")


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


def split_spec(spec: str | Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
    """The name a config value gives and its explicit parameters, or :class:`GroupSpecError`.

    ``"C4"`` gives ``("C4", {})``; ``{name: SO2, bandwidth: 6}`` gives
    ``("SO2", {"bandwidth": 6})``. Reading the name against the installed
    registrations is the registry's job.
    """
    if isinstance(spec, Mapping):
        params = dict(spec)
        name = params.pop("name", None)
        if not isinstance(name, str):
            raise GroupSpecError(
                f"a group given as a mapping needs a 'name' key with a string value, got {spec!r}; "
                "write e.g. {name: SO2, bandwidth: 6}"
            )
        return name.strip(), params
    if not isinstance(spec, str):
        raise GroupSpecError(
            f"a group is a name such as 'C4' or a mapping such as {{name: SO2, bandwidth: 6}}, "
            f"got {spec!r} of type {type(spec).__name__}"
        )
    return spec.strip(), {}


def shorthand_splits(text: str) -> list[tuple[str, str]]:
    """Every way to read ``text`` as a family name followed by its index, shortest name first.

    ``"C12"`` gives ``[("C", "12"), ("C1", "2")]``: all of them, because a plugin
    registering ``C1`` would make ``C12`` ambiguous, and that must be detected.
    Signs and decimals are kept so that ``C-3`` and ``D1.5`` get a precise error.
    """
    return [(text[:i], text[i:]) for i in range(1, len(text)) if _INDEX.fullmatch(text[i:])]


def is_integer_index(text: str) -> bool:
    return re.fullmatch(r"[-+]?\d+", text) is not None


def unknown_group(
    name: str, installed: Collection[str], indexed: Collection[str] = ()
) -> UnknownGroupError:
    """The error for a name nothing registers: the closest names, then every installed one.

    Args:
        installed: every registered name.
        indexed: the names of families that take a shorthand index (``C`` for ``C4``).
    """
    close = closest_names(name, installed, indexed)
    hint = f" (did you mean {' or '.join(repr(c) for c in close)}?)" if close else ""
    listed = ", ".join(sorted(installed)) or "(none)"
    return UnknownGroupError(
        f"unknown group {name!r}{hint}; installed groups: {listed}. "
        "Families such as C and D take their order after the name (C4, D8). "
        "Run `ginv groups list` for details."
    )


def closest_names(
    name: str, installed: Collection[str], indexed: Collection[str] = ()
) -> list[str]:
    """Up to three installed names or shorthands most like ``name``, ignoring case.

    Shorthands use the index the user wrote (``c8`` suggests ``C8``), or 4 when
    there is none, so that a misspelt family suggests a name that works as written.
    """
    match = re.search(r"\d+$", name)
    index = match[0] if match else "4"
    names = [n for n in installed if not (match and n in indexed)]  # c8 suggests C8, not C
    candidates = {c.lower(): c for c in [*names, *(f"{f}{index}" for f in indexed)]}
    close = difflib.get_close_matches(name.lower(), list(candidates), n=3, cutoff=0.6)
    return [candidates[c] for c in close]
