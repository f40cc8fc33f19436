"""Configs found by name: the YAML files shipped in the package (the repository's ``configs/``).

A pip-installed ``ginv`` has no ``configs/`` folder beside it, so every command
that takes a config accepts either a path or the name of a shipped one
(``rotdigits_c4``), and resolves it here.
"""

from __future__ import annotations

import difflib
from importlib.resources import files
from pathlib import Path

from ginv_lightning.errors import ConfigError

SHIPPED_PACKAGE = "ginv_lightning.configs"
SUFFIX = ".yaml"


def shipped_configs() -> dict[str, Path]:
    """Every shipped config, by name (the file name without ``.yaml``), sorted by name."""
    folder = Path(str(files(SHIPPED_PACKAGE)))
    return {path.stem: path for path in sorted(folder.glob(f"*{SUFFIX}"))}


def find_config(name_or_path: str | Path) -> Path:
    """The file a user means: an existing path as given, else the shipped config of that name."""
    path = Path(name_or_path)
    if path.is_file():
        return path
    shipped = shipped_configs()
    name = str(name_or_path).removesuffix(SUFFIX)
    if name in shipped:
        return shipped[name]
    close = difflib.get_close_matches(Path(name).name, list(shipped), n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else ""
    raise ConfigError(
        f"config {str(name_or_path)!r} is neither a file nor a shipped config{hint}; "
        f"shipped: {', '.join(shipped)}; `ginv configs list` describes them"
    )


def description(path: Path) -> str:
    """The config's opening comment, joined into one line (what ``ginv configs list`` shows)."""
    lines = []
    with open(path) as handle:
        for line in handle:
            if not line.startswith("#"):
                break
            lines.append(line.lstrip("#").strip())
    return " ".join(lines)


def config_name(name_or_path: str | Path) -> str:
    """A config's name: a shipped name as it is, a path's file name without ``.yaml``
    (``my_configs/tiles_d4.yaml`` and ``tiles_d4`` name the same; a name with dots keeps them)."""
    name = Path(name_or_path).name
    for suffix in (SUFFIX, ".yml"):
        name = name.removesuffix(suffix)
    return name
