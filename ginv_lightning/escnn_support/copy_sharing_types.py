"""Deep copies of networks that share escnn's groups and field types instead of copying them.

escnn's groups, group elements, representations, gspaces and field types are
immutable descriptions that escnn caches and shares between layers. A plain
``copy.deepcopy`` duplicates them, and for some groups it fails outright: the
octahedral groups keep caches keyed by their own elements, and rebuilding such
a key hashes it before its group is restored (``AttributeError: 'GroupElement'
object has no attribute 'group'``, seen copying a network of
``gspaces.octaOnR3()`` in a fresh process; whether it happens depends on which
of escnn's caches are filled). Copying a network must copy its weights and
buffers and keep pointing to the same mathematics; inside
:func:`sharing_escnn_types` ``deepcopy`` does exactly that.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

from escnn.group import Group, GroupElement, Representation
from escnn.gspaces import GSpace
from escnn.nn import FieldType

SHARED_TYPES: tuple[type, ...] = (Group, GroupElement, Representation, GSpace, FieldType)

T = TypeVar("T")


def _shared(self: Any, memo: dict[int, Any]) -> Any:
    return self


@contextmanager
def sharing_escnn_types() -> Iterator[None]:
    """Within this block, ``copy.deepcopy`` returns escnn's type objects themselves.

    Use it around code that deep-copies networks internally, such as
    ``torch.optim.swa_utils.AveragedModel``.
    """
    patched = [cls for cls in SHARED_TYPES if "__deepcopy__" not in vars(cls)]
    for cls in patched:
        cls.__deepcopy__ = _shared
    try:
        yield
    finally:
        for cls in patched:
            del cls.__deepcopy__


def copy_network(module: T) -> T:
    """A deep copy of ``module`` (weights, buffers, submodules) sharing escnn's types."""
    with sharing_escnn_types():
        return copy.deepcopy(module)
