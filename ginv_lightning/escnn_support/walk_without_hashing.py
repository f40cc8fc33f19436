"""Walking a network's modules and tensors without hashing its modules.

Every walk torch offers (``modules()``, ``children()``, ``parameters()``,
``buffers()``) checks each module against a set of those seen, which hashes
it. escnn's kernel bases are modules whose ``__hash__`` digests their sampled
tensors (one ``.numpy()`` per tensor), so one such walk over the main job's
generator costs milliseconds, and the EMA update and the per-step filter
expansion walk the networks several times per training step. These helpers
yield the same items in the same order, telling repeats apart by identity
(reading ``_modules``, the child table every torch walk reads). The one
difference: torch's walks also skip a module *equal* to one seen, and escnn
makes two basis expansions of identical types equal; here both are kept (they
hold no parameters or cached filters, which is what the callers look for).
"""

from __future__ import annotations

from torch import Tensor, nn


def unique_named_modules(module: nn.Module) -> list[tuple[str, nn.Module]]:
    """``list(module.named_modules())``, without hashing any module."""
    seen: set[int] = set()
    found: list[tuple[str, nn.Module]] = []

    def visit(current: nn.Module, prefix: str) -> None:
        seen.add(id(current))
        found.append((prefix, current))
        for name, child in current._modules.items():
            if child is not None and id(child) not in seen:
                visit(child, f"{prefix}.{name}" if prefix else name)

    visit(module, "")
    return found


def unique_modules(module: nn.Module) -> list[nn.Module]:
    """``list(module.modules())``, without hashing any module."""
    return [found for _, found in unique_named_modules(module)]


def unique_named_parameters(module: nn.Module) -> list[tuple[str, Tensor]]:
    """``list(module.named_parameters())``, without hashing any module."""
    seen: set[int] = set()
    found = []
    for prefix, owner in unique_named_modules(module):
        for name, parameter in owner.named_parameters(recurse=False):
            if id(parameter) not in seen:
                seen.add(id(parameter))
                found.append((f"{prefix}.{name}" if prefix else name, parameter))
    return found


def unique_parameters(module: nn.Module) -> list[Tensor]:
    """``list(module.parameters())``, without hashing any module."""
    return [parameter for _, parameter in unique_named_parameters(module)]
