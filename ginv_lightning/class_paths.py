"""Classes named in configs by their dotted path (``package.module.Class``)."""

from __future__ import annotations

import importlib

from ginv_lightning.errors import ConfigError


def import_class(path: str, base: type, setting: str, refusal: str) -> type:
    """The subclass of ``base`` that the setting's value ``path`` names.

    Raises :class:`ConfigError`, one line: ``{setting}: {path!r} {refusal}`` when it
    names nothing such (``refusal`` says what is accepted), and ``{setting}: {module}
    is installed but cannot be imported: ...`` when the module exists but fails to
    import (a dependency of it missing), rather than passing that for a wrong name.
    """
    module_name, _, class_name = str(path).rpartition(".")
    found = None
    if module_name:
        try:
            found = getattr(importlib.import_module(module_name), class_name, None)
        except ModuleNotFoundError as exc:
            if not (exc.name and (module_name + ".").startswith(exc.name + ".")):
                raise ConfigError(
                    f"{setting}: {module_name} is installed but cannot be imported: {exc}"
                ) from None
    if not (isinstance(found, type) and issubclass(found, base)):
        raise ConfigError(f"{setting}: {path!r} {refusal}")
    return found
