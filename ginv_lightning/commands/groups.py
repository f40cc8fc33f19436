"""``ginv groups list`` and ``ginv groups show NAME``."""

from __future__ import annotations

import argparse
import json

from ginv_lightning.symmetry.registry import GroupRegistry, default_registry


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("groups", help="list and inspect the installed symmetry groups")
    actions = parser.add_subparsers(dest="action", required=True)
    actions.add_parser("list", help="every registered group, its origin and status")
    show = actions.add_parser("show", help="details of one group, e.g. C4, D8, SO2")
    show.add_argument("name", help="a group as written in a config: C4, flip, SO2, ...")
    show.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a group parameter, e.g. --param bandwidth=6",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    registry = default_registry()
    if args.action == "list":
        print(format_listing(registry))
        return 0
    spec: str | dict = args.name
    if args.param:
        spec = {"name": args.name, **dict(_parse_param(p) for p in args.param)}
    symmetry = registry.resolve(spec)
    for key, value in symmetry.describe().items():
        if isinstance(value, list):
            print(f"{key}:")
            for item in value:
                print(f"  {item}")
        else:
            print(f"{key}: {value}")
    return 0


def format_listing(registry: GroupRegistry) -> str:
    """A table of name, order, summary, distribution, version and status (loaded / broken: why)."""
    rows = [("NAME", "ORDER", "SUMMARY", "DISTRIBUTION", "VERSION", "STATUS")]
    for entry in registry.entries():
        name, order, summary, status = entry.name, "?", "", "loaded"
        if entry.error is not None:
            status = f"broken: {entry.error}"
        else:
            family = entry.load()
            order, summary = family.order, family.summary
            if family.index is not None:
                name = f"{entry.name}<{family.index}>"
            if registry.duplicates_of(entry.name):
                status = "conflict: registered by several distributions"
        rows.append((name, order, summary, entry.distribution, entry.version, status))
    widths = [max(len(row[i]) for row in rows) for i in range(5)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:5], widths, strict=True)]
        lines.append("  ".join([*cells, row[5]]))
    return "\n".join(lines)


def _parse_param(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"ginv: error: --param takes KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value
