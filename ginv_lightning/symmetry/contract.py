"""What GAN training needs of a symmetry group, whichever library builds its networks.

:class:`GroupAction` is the contract between the core and a group: enumerate or
Haar-sample elements reproducibly, compose them, move a batch of data by them
(differentiably), say which data it can move, and name the networks that are
equivariant (generator) and invariant (discriminator) under it. The core trains,
augments, symmetrises and measures through these methods only.

Two implementations exist: :class:`~ginv_lightning.symmetry.escnn_group.EscnnGroup`, backed
by an escnn gspace (the built-in planar groups, ``ginv-volumetric``), and groups
that bring their own action and plain-torch networks (``ginv-sets``: permutations
of the items of a set). A plugin's ``GroupFamily.build`` may return either.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import torch
    from torch import Tensor

    from ginv_lightning.shapes import DataShape


class GroupAction(ABC):
    """A group G and its action on one kind of data.

    Subclasses set ``name`` and the class paths of the networks made for the
    group (``generator``, ``discriminator``: builders called as
    ``Builder(symmetry, data_shape, **init_args)``, the defaults a config names).

    The action must be a left action: ``act(compose(g, h), x) == act(g, act(h, x))``
    and ``act(identity, x) == x``, which ``ginv groups show --check NAME`` verifies
    on random data (:func:`ginv_lightning.symmetry.group_law.check_group_law`).
    """

    name: str
    generator: str
    discriminator: str

    @property
    @abstractmethod
    def order(self) -> int | None:
        """Number of elements, or ``None`` for a continuous group."""

    @property
    def is_finite(self) -> bool:
        return self.order is not None

    @property
    @abstractmethod
    def identity(self) -> Any:
        """The neutral element."""

    @abstractmethod
    def elements(self) -> list[Any]:
        """Every element of a finite group, identity first (small groups only)."""

    @abstractmethod
    def sample(self, n: int, generator: torch.Generator | None = None) -> list[Any]:
        """``n`` independent uniform (Haar) elements, reproducible through ``generator``."""

    @abstractmethod
    def compose(self, g: Any, h: Any) -> Any:
        """The product ``g h``: first ``h``, then ``g``."""

    @abstractmethod
    def act(self, element: Any, x: Tensor) -> Tensor:
        """Move a whole batch by one element."""

    def act_each(self, elements: Sequence[Any], x: Tensor) -> Tensor:
        """Move sample ``i`` of a batch by ``elements[i]``; override for a batched version."""
        import torch

        if len(elements) != x.shape[0]:
            raise ValueError(f"{len(elements)} elements for a batch of {x.shape[0]}")
        return torch.cat([self.act(g, x[i : i + 1]) for i, g in enumerate(elements)])

    @abstractmethod
    def check_data(self, shape: DataShape) -> None:
        """Raise ``ValueError`` with one line (what the group moves) if it cannot move ``shape``."""

    @abstractmethod
    def example_data(self, n: int, generator: torch.Generator) -> Tensor:
        """A random batch of data the group moves, for checking the group law."""

    def orbit_elements(self, samples: int, generator: torch.Generator | None = None) -> list[Any]:
        """Elements to average an orbit over: all of a small finite group, else ``samples``."""
        if self.is_finite and self.order <= max(samples, 64):
            return self.elements()
        return self.sample(samples, generator)

    def is_exact(self, element: Any) -> bool:
        """Whether moving data by ``element`` is exact (no interpolation)."""
        return True

    def element_label(self, element: Any) -> str:
        """How ``ginv groups show`` names an element."""
        return str(element)

    def describe(self) -> dict[str, Any]:
        """What ``ginv groups show`` prints."""
        return {
            "name": self.name,
            "order": self.order if self.is_finite else "continuous",
            "generator": self.generator,
            "discriminator": self.discriminator,
        }
