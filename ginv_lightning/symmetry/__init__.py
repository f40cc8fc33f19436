"""Symmetry groups: the contract, the entry-point registry and the built-in groups.

This package's ``__init__`` stays light (no torch, no escnn) so that listing the
registered groups is fast; :class:`~ginv_lightning.symmetry.escnn_group.EscnnGroup` lives in
``base`` and is imported on demand.
"""

from ginv_lightning.symmetry.errors import (
    BrokenGroupPluginError,
    DuplicateGroupError,
    GroupError,
    GroupOriginError,
    GroupSpecError,
    GroupVersionWarning,
    UnknownGroupError,
)
from ginv_lightning.symmetry.plugin import GroupFamily
from ginv_lightning.symmetry.provenance import check_group_record, group_record
from ginv_lightning.symmetry.registry import GroupRegistry, default_registry, resolve_group

__all__ = [
    "BrokenGroupPluginError",
    "DuplicateGroupError",
    "GroupError",
    "GroupFamily",
    "GroupOriginError",
    "GroupRegistry",
    "GroupSpecError",
    "GroupVersionWarning",
    "UnknownGroupError",
    "check_group_record",
    "default_registry",
    "group_record",
    "resolve_group",
]
