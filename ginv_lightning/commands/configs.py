"""``ginv configs list`` and ``ginv configs copy NAME [DIR]``: the configs shipped with ginv."""

from __future__ import annotations

import argparse
import shutil
import textwrap
from pathlib import Path

from ginv_lightning.errors import ConfigError
from ginv_lightning.shipped_configs import description, find_config, shipped_configs


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("configs", help="list the shipped configs, or copy one to edit it")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every shipped config and what it trains")
    copy = actions.add_parser("copy", help="copy a shipped config into a folder, to edit it")
    copy.add_argument("name", help="a shipped config, e.g. rotdigits_c4")
    copy.add_argument("dir", nargs="?", default=".", help="destination folder (default: here)")
    copy.add_argument("--force", action="store_true", help="replace an existing file")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    if args.action == "list":
        print(format_listing())
        return 0
    source = find_config(args.name)
    target = Path(args.dir) / source.name
    if target.exists() and not args.force:
        raise ConfigError(f"{str(target)!r} exists; pass --force to replace it")
    if Path(args.dir).exists() and not Path(args.dir).is_dir():
        raise ConfigError(f"{args.dir!r} is not a folder")
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source, target)
    print(f"wrote {target}; run it with: {command_for(source)} --config {target}")
    return 0


def command_for(path: Path) -> str:
    """The ``ginv`` command a config file is for, told by its sections."""
    import yaml

    document = yaml.safe_load(path.read_text()) or {}
    if isinstance(document, dict) and "compare" in document:
        return "ginv compare"
    if isinstance(document, dict) and {"target", "grid"} <= set(document):
        return "ginv study"
    return "ginv fit"


def format_listing() -> str:
    """Each shipped config's name, then its opening comment wrapped below it."""
    blocks = []
    for name, path in shipped_configs().items():
        text = textwrap.fill(description(path), width=88, initial_indent="    ",
                             subsequent_indent="    ")  # fmt: skip
        blocks.append(f"{name}\n{text}" if text.strip() else name)
    blocks.append(
        "run one with: ginv fit --config NAME (or a path to your own YAML); compare_* files "
        "with ginv compare, study_* files with ginv study"
    )
    return "\n".join(blocks)
