"""``ginv compare --config compare_efficiency``: shipped configs side by side, in one table."""

from __future__ import annotations

import argparse

from ginv_lightning.grid.command_line import add_grid_arguments


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "compare",
        help="train configs side by side on fractions of the data and tabulate SWD/FID",
        description="Train every config of a comparison file on each fraction of the "
        "training data with each seed, at the same optimiser-step budget, measure each once "
        "on the held-out split (SWD, FID where features exist, invariance diagnostics), and "
        "write cells/*.json, results.csv and table.md. Rerunning resumes.",
    )
    parser.add_argument(
        "--config",
        required=True,
        help="comparison YAML: a shipped name (compare_efficiency) or a path",
    )
    parser.add_argument("--out", help="output directory (default: the file's `out`)")
    parser.add_argument(
        "--tables",
        nargs="+",
        metavar="TITLE",
        help="run only these tables (by title; default: all)",
    )
    add_grid_arguments(parser, "compare.")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ginv_lightning.comparison.curves import curves_picture
    from ginv_lightning.comparison.pictures import table_picture
    from ginv_lightning.comparison.report import comparison_markdown, records_csv
    from ginv_lightning.comparison.spec import load_comparison, slug
    from ginv_lightning.errors import ConfigError
    from ginv_lightning.grid.command_line import launcher_from, trainer_flags
    from ginv_lightning.grid.engine import run_grid
    from ginv_lightning.grid.records import RecordFolder
    from ginv_lightning.persistence.atomic_files import write_atomic

    comparison = load_comparison(args.config, out=args.out, trainer=trainer_flags(args))
    launcher = launcher_from(args, comparison.slurm)
    if args.tables:
        titles = [table.title for table in comparison.tables]
        unknown = [t for t in args.tables if t not in titles]
        if unknown:
            raise ConfigError(f"--tables: no table titled {unknown[0]!r}; titles: {titles}")
        chosen = tuple(t for t in comparison.tables if t.title in args.tables)
        comparison = replace(comparison, tables=chosen)
    records = list(run_grid(comparison, launcher).values())
    write_atomic(comparison.out / "results.csv", records_csv(records))
    markdown = comparison_markdown(comparison, records)
    write_atomic(comparison.out / "table.md", markdown)
    print(markdown)
    written = [comparison.out / "table.md", comparison.out / "results.csv"]
    folder = RecordFolder(comparison)
    for table in comparison.tables:
        seed = min(comparison.seeds)
        shown = [folder.path(cell) for cell in table.cells((seed,))]
        picture = comparison.out / f"{slug(table.title)}-samples.png"
        if table_picture(shown, picture):
            written.append(picture)
        mine = [r for r in records if r["table"] == table.title]
        curves = comparison.out / f"{slug(table.title)}-curves.png"
        if curves_picture(table, mine, curves):
            written.append(curves)
    print(f"written: {', '.join(map(str, written))}")
    return 0
