"""Classes named in configs by their dotted path (``package.module.Class``)."""

from __future__ import annotations

import importlib


def import_class(path: str, base: type) -> type | None:
    """The subclass of ``base`` that ``path`` names, or ``None`` if it names nothing such.

    Callers turn ``None`` into their own one-line error, naming what they accept.
    """
    module_name, _, class_name = str(path).rpartition(".")
    try:
        found = getattr(importlib.import_module(module_name), class_name) if module_name else None
    except (ImportError, AttributeError):
        return None
    return found if isinstance(found, type) and issubclass(found, base) else None
