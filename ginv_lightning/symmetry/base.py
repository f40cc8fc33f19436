"""The old home and name of :class:`~ginv_lightning.symmetry.escnn_group.EscnnGroup`.

Group plugins written before the escnn backend was named for what it is import
``Symmetry`` from here; they keep working.
"""

from ginv_lightning.symmetry.escnn_group import EscnnGroup

Symmetry = EscnnGroup

__all__ = ["Symmetry"]
