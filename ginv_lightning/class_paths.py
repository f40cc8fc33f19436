"""Classes named in configs by their dotted path (``package.module.Class``)."""

from __future__ import annotations

import importlib


def import_class(path: str, base: type) -> type | None:
    """The subclass of ``base`` that ``path`` names, or ``None`` if it names nothing such.

    Callers turn ``None`` into their own one-line error, naming what they accept. A
    module that exists but fails to import (a dependency of it missing) raises
    ``ImportError`` saying so, rather than passing for a wrong name.
    """
    module_name, _, class_name = str(path).rpartition(".")
    if not module_name:
        return None
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and (module_name + ".").startswith(exc.name + "."):
            return None  # the path itself names no installed module
        raise ImportError(f"{module_name} is installed but cannot be imported: {exc}") from exc
    found = getattr(module, class_name, None)
    return found if isinstance(found, type) and issubclass(found, base) else None
