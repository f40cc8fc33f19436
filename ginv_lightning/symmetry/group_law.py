"""Checking that a group's action is an action: ``g.(h.x) = (gh).x`` and ``e.x = x``.

An action that breaks the law (elements composed in the wrong order, a
permutation applied as its inverse on one side) still trains, but the
generator's law is then invariant under something else than the group named.
``ginv groups show --check NAME`` runs this on random data of the group's kind.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from ginv_lightning.symmetry.contract import GroupAction


@dataclass(frozen=True)
class LawCheck:
    """What was compared, and the first pair (or the identity) that broke the law, if any."""

    pairs: int
    violation: str | None = None
    failure: str | None = None  # why the check could not act at all

    @property
    def passed(self) -> bool:
        return self.violation is None and self.failure is None

    def __str__(self) -> str:
        if self.failure is not None:
            return f"the action could not be checked: {self.failure}"
        if self.violation is not None:
            return f"the action breaks the group law: {self.violation}"
        if not self.pairs:
            return "identity checked; no pair of exactly acting elements was drawn"
        return f"group law holds: identity and {self.pairs} random pairs (g, h) on random data"


def check_group_law(
    group: GroupAction, pairs: int = 16, seed: int = 0, tolerance: float = 1e-6
) -> LawCheck:
    """Compare ``act(g, act(h, x))`` with ``act(gh, x)`` for random g, h and x, and ``e.x`` with x.

    Only exact elements are compared (interpolated rotations of an image compose
    only up to resampling error).
    """
    try:
        return _check(group, pairs, seed, tolerance)
    except (TypeError, ValueError, NotImplementedError, RuntimeError) as exc:
        # e.g. an escnn gspace with no action on a base space, or data of the wrong kind
        reason = " ".join(str(exc).split()) or type(exc).__name__
        return LawCheck(0, failure=f"acting on its own example data failed "
                        f"({type(exc).__name__}: {reason})")  # fmt: skip


def _check(group: GroupAction, pairs: int, seed: int, tolerance: float) -> LawCheck:
    generator = torch.Generator().manual_seed(seed)
    x = group.example_data(4, generator)
    scale = float(x.abs().max())
    error = _difference(group.act(group.identity, x), x) / scale
    if error > tolerance:
        return LawCheck(0, f"the identity moves data (largest difference {error:.3g})")
    checked = 0
    candidates = [g for g in group.sample(4 * pairs, generator) if group.is_exact(g)]
    for g, h in zip(candidates[0::2], candidates[1::2], strict=False):
        if checked == pairs:
            break
        gh = group.compose(g, h)
        if not group.is_exact(gh):
            continue
        error = _difference(group.act(g, group.act(h, x)), group.act(gh, x)) / scale
        if error > tolerance:
            return LawCheck(checked, (
                f"act(g, act(h, x)) != act(gh, x) for g = {group.element_label(g)}, "
                f"h = {group.element_label(h)} (largest difference {error:.3g})"
            ))  # fmt: skip
        checked += 1
    return LawCheck(checked)


def _difference(a: torch.Tensor, b: torch.Tensor) -> float:
    return float((a - b).abs().max())
