"""``ginv groups list`` and ``ginv groups show NAME``."""

from __future__ import annotations

import argparse
import json

from ginv_lightning.symmetry.registry import GroupRegistry, Reading, default_registry


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
    show.add_argument(
        "--check",
        action="store_true",
        help="also check on random data that the action is a group action: g.(h.x) = (gh).x",
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
    if args.check:
        from ginv_lightning.symmetry.errors import GroupError
        from ginv_lightning.symmetry.group_law import check_group_law

        law = check_group_law(symmetry)
        if not law.passed:
            raise GroupError(f"{symmetry.name}: {law}")
        print(f"check: {law}")
    return 0


def format_listing(registry: GroupRegistry) -> str:
    """A table of each registration: name, order, what it acts on, summary, origin and status.

    The status is ``loaded``, ``broken: why`` (the plugin does not import) or
    ``conflict: why`` (another distribution provides the same name, so using it
    is refused). A family whose shorthand another distribution shadows stays
    ``loaded`` but names the shadowed shorthands. DISTRIBUTION, VERSION and
    STATUS come last so that scripts can read them from the end of a row.
    ``build()`` is never called: listing must not import escnn.
    """
    header = ("NAME", "ORDER", "ACTS ON", "SUMMARY", "DISTRIBUTION", "VERSION", "STATUS")
    entries = registry.entries()
    conflicts = {id(entry): registry.conflicts_of(entry) for entry in entries}
    shadowed: dict[int, list[str]] = {}
    for entry in entries:
        for reading in conflicts[id(entry)]:
            if reading.params:
                shadowed.setdefault(id(reading.entry), []).append(entry.name)
    rows = [header]
    for entry in entries:
        name, order, acts_on, summary, status = entry.name, "?", "?", "", "loaded"
        if entry.error is not None:
            status = f"broken: {entry.error}"
        else:
            family = entry.load()
            order, acts_on, summary = family.order, family.acts_on, family.summary
            if family.index is not None:
                name = f"{entry.name}<{family.index}>"
        if conflicts[id(entry)]:
            others = ", ".join(_claim(r) for r in conflicts[id(entry)])
            status = f"conflict: also {others}; uninstall one"
        elif id(entry) in shadowed and entry.error is None:
            names = ", ".join(sorted(shadowed[id(entry)]))
            status = f"loaded, except {names} (conflict)"
        rows.append((name, order, acts_on, summary, entry.distribution, entry.version, status))
    last = len(header) - 1
    widths = [max(len(row[i]) for row in rows) for i in range(last)]
    lines = []
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row[:last], widths, strict=True)]
        lines.append("  ".join([*cells, row[last]]))
    return "\n".join(lines)


def _claim(reading: Reading) -> str:
    if not reading.params:
        return f"registered by {reading.entry.origin}"
    return f"{reading.describe()} of {reading.entry.origin}"


def _parse_param(text: str) -> tuple[str, object]:
    key, sep, value = text.partition("=")
    if not sep:
        raise SystemExit(f"ginv: error: --param takes KEY=VALUE, got {text!r}")
    try:
        return key, json.loads(value)
    except json.JSONDecodeError:
        return key, value
