"""jsonargparse's parse errors as one line: the key, what was wrong, the closest valid keys.

LightningCLI prints its whole usage (about 100 lines) before a parse error, and
jsonargparse's message for a nested class is a multi-line report of every Union
subtype it tried. A user who mistyped a key wants the key, where it was, and
what they probably meant; one whose config names a plugin's class wants to know
which plugin to install.
"""

from __future__ import annotations

import difflib
import inspect
import re
from typing import Any

UNKNOWN_KEY = re.compile(r"does not accept option '([^']+)'")
UNKNOWN_OPTION = re.compile(r"given class_path '([^']+)':\s+Option '([^']+)' is not accepted")
MISSING_MODULE = re.compile(r"given class_path '([^']+)':\s+No module named '([^']+)'")
PARSER_KEY = re.compile(r'Parser key "([^"]+)"')
GIVEN_VALUE = re.compile(r"Given value: (.+)$", re.MULTILINE)


def one_line(message: str, keys: list[str], args: list[str]) -> str:
    """The parse error ``message`` in one line.

    ``keys`` are the valid keys of the command, ``args`` its arguments (to say
    whether an unknown key came from the command line or a config file).
    """
    where = PARSER_KEY.search(message)
    section = where[1] if where else ""
    found = UNKNOWN_KEY.search(message)
    if found:
        return f"unknown key {found[1]!r} {_origin(found[1], args)}{_closest(found[1], keys)}"
    found = UNKNOWN_OPTION.search(message)
    if found:
        class_path, option = found[1], found[2]
        key = f"{section}.init_args.{option}" if section else option
        accepted = _init_parameters(class_path)
        return (
            f"unknown key {key!r} {_origin(key, args)}: {class_path.rpartition('.')[2]} takes "
            f"no {option!r}" + _closest(option, accepted)
        )
    found = MISSING_MODULE.search(message)
    if found:
        module = found[2].partition(".")[0]
        return (
            f"{section or 'config'}: {found[1]} needs the package {module}, which is not "
            f"installed; install the plugin that brings it (pip install "
            f"{module.replace('_', '-')}, from PyPI or from its folder, e.g. plugins/ of a clone)"
        )
    value = GIVEN_VALUE.search(message)
    lines = [" ".join(line.split()) for line in message.splitlines() if line.strip()]
    first = lines[0] if lines else "cannot parse the arguments"
    if section and value:
        return f"{section}: {value[1].strip()!r} is not accepted ({_expected(message)})"
    return first if len(first) <= 300 else first[:297] + "..."


def _origin(key: str, args: list[str]) -> str:
    """Where a key came from: the command line, or the config file(s) given."""
    if any(arg == f"--{key}" or arg.startswith(f"--{key}=") for arg in args):
        return "on the command line"
    files = [args[i + 1] for i, arg in enumerate(args[:-1]) if arg == "--config"]
    return f"in {', '.join(files)}" if files else "in the config"


def _closest(key: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(key, candidates, n=3, cutoff=0.6)
    if not close:
        leaf = key.rpartition(".")[2]
        tails = {c.rpartition(".")[2]: c for c in candidates}
        close = [tails[t] for t in difflib.get_close_matches(leaf, list(tails), n=3, cutoff=0.6)]
    return f"; did you mean {', '.join(close)}?" if close else ""


def _expected(message: str) -> str:
    kinds = re.findall(r"Expected a <class '([^']+)'>", message)
    names = ["null" if k == "NoneType" else k for k in kinds]
    return "expected " + " or ".join(dict.fromkeys(names)) if names else "see --help"


def _init_parameters(class_path: str) -> list[str]:
    """The keyword arguments a class accepts, its bases' included where it passes **kwargs."""
    import importlib

    module, _, name = class_path.rpartition(".")
    try:
        cls = getattr(importlib.import_module(module), name)
    except (ImportError, AttributeError):
        return []
    names: list[str] = []
    for klass in inspect.getmro(cls):
        init = vars(klass).get("__init__")
        if init is None:
            continue
        parameters = list(inspect.signature(init).parameters.values())[1:]
        names += [p.name for p in parameters if p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)]
        if not any(p.kind is p.VAR_KEYWORD for p in parameters):
            break
    return list(dict.fromkeys(names))


def parser_keys(parser: Any) -> list[str]:
    """Every option key of a (jsonargparse) parser, nested groups included."""
    keys = []
    for action in getattr(parser, "_actions", []):
        dest = getattr(action, "dest", "")
        if dest and dest not in ("help", "config") and not dest.startswith("_"):
            keys.append(dest)
    return keys
