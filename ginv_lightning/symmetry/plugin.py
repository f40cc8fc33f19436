"""The object a ``ginv.groups`` entry point points to.

A plugin registers a *family* of groups under one name: ``C`` stands for every
cyclic group ``C<n>``, ``SO2`` for the band-limited rotation group. The module
that defines a family must stay cheap to import (no escnn, no torch at import
time): ``ginv groups list`` imports every registered family to report its status.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ginv_lightning.symmetry.escnn_group import EscnnGroup


@dataclass(frozen=True)
class GroupFamily:
    """A registered family of symmetry groups.

    Args:
        build: makes the :class:`EscnnGroup`; its keyword parameters are the group's
            parameters (``n`` for ``C<n>``, ``bandwidth`` for ``SO2``). It validates
            them and raises :class:`GroupSpecError` with what is accepted.
        summary: one line for ``ginv groups list``.
        order: the group order as a formula of the parameters (``"n"``, ``"2n"``,
            ``"24"``) or ``"continuous"``.
        index: the integer parameter that a shorthand appends to the name
            (``"n"``: ``C4`` means ``C`` with ``n=4``); ``None`` if there is none.
        acts_on: what the groups move, for the ACTS ON column of ``ginv groups
            list``, so that users pick a group that fits their data without
            building it: ``"2-D grid"`` (images), ``"3-D grid"`` (voxels),
            ``"2-D points"`` / ``"3-D points"`` (vectors of R^d), several of
            these joined by ``", "``, or free text of the plugin's choosing.
    """

    build: Callable[..., EscnnGroup]
    summary: str
    order: str
    index: str | None = None
    acts_on: str = "2-D grid"

    def parameters(self) -> dict[str, inspect.Parameter]:
        """The parameters ``build`` accepts, by name."""
        return dict(inspect.signature(self.build).parameters)

    def usage(self, name: str) -> str:
        """How a user writes this family in a config, e.g. ``C<n> or {name: C, n: ...}``."""
        params = self.parameters()
        forms = []
        if self.index is not None:
            forms.append(f"{name}<{self.index}> (e.g. {name}4)")
        else:
            forms.append(name)
        if params:
            described = ", ".join(_describe(p) for p in params.values())
            forms.append(f"{{name: {name}, {described}}}")
        return " or ".join(forms)


def _describe(param: inspect.Parameter) -> str:
    annotation = param.annotation
    kind = annotation if isinstance(annotation, str) else getattr(annotation, "__name__", "")
    if param.default is inspect.Parameter.empty:
        return f"{param.name}: <{kind}>"
    return f"{param.name}: <{kind}, default {param.default!r}>"


def require_int(name: str, value: Any, *, minimum: int, example: str) -> int:
    """Check that a group parameter is an integer of at least ``minimum``."""
    from ginv_lightning.symmetry.errors import GroupSpecError

    if isinstance(value, bool) or not isinstance(value, int):
        raise GroupSpecError(
            f"{example}: parameter {name!r} must be an integer >= {minimum}, got {value!r}"
        )
    if value < minimum:
        raise GroupSpecError(
            f"{example}: parameter {name!r} must be an integer >= {minimum}, got {value}"
        )
    return value
