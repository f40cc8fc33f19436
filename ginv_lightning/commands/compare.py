"""``ginv compare --config compare_efficiency``: shipped configs side by side, in one table."""

from __future__ import annotations

import argparse


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
    for key, help_text in (
        ("accelerator", "where every cell trains and is measured: auto (default), cpu, gpu, ..."),
        ("devices", "devices per cell (1)"),
        ("precision", "Lightning precision of every cell, e.g. bf16-mixed (default 32-true)"),
    ):
        parser.add_argument(
            f"--trainer.{key}",
            dest=f"trainer_{key}",
            type=int if key == "devices" else str,
            help=f"{help_text}; overrides the file's compare.trainer",
        )
    parser.add_argument(
        "--launcher",
        default="local",
        choices=("local", "submitit-local", "slurm"),
        help="local: cells one after another in this process (default); slurm: one SLURM job "
        "per cell (a job array, through submitit); submitit-local: the same jobs as local "
        "subprocesses",
    )
    for key, help_text in (
        ("partition", "SLURM partition"),
        ("time", "minutes per cell (default 60)"),
        ("gpus", "GPUs per cell (default 0)"),
        ("cpus", "CPUs per cell (default 2)"),
        ("mem_gb", "memory per cell in GB"),
        ("array_parallelism", "cells running at once (default 16)"),
    ):
        parser.add_argument(
            f"--slurm.{key}",
            dest=f"slurm_{key}",
            type=str if key == "partition" else float if key == "mem_gb" else int,
            help=f"{help_text}; overrides the file's compare.slurm (needs --launcher slurm)",
        )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from ginv_lightning.comparison.curves import curves_picture
    from ginv_lightning.comparison.pictures import table_picture
    from ginv_lightning.comparison.report import comparison_markdown, records_csv
    from ginv_lightning.comparison.runner import record_path, run_comparison, slug
    from ginv_lightning.comparison.spec import load_comparison
    from ginv_lightning.errors import ConfigError
    from ginv_lightning.persistence.atomic_files import write_atomic

    flags = {
        key: getattr(args, f"trainer_{key}") for key in ("accelerator", "devices", "precision")
    }
    given = {key: value for key, value in flags.items() if value is not None}
    slurm_flags = {
        key.removeprefix("slurm_"): value
        for key, value in vars(args).items()
        if key.startswith("slurm_") and value is not None
    }
    if slurm_flags and args.launcher != "slurm":
        flag = next(iter(slurm_flags))
        raise ConfigError(
            f"--slurm.{flag} is for --launcher slurm (the launcher is {args.launcher})"
        )
    comparison = load_comparison(args.config, out=args.out, trainer=given)
    if args.tables:
        titles = [table.title for table in comparison.tables]
        unknown = [t for t in args.tables if t not in titles]
        if unknown:
            raise ConfigError(f"--tables: no table titled {unknown[0]!r}; titles: {titles}")
        chosen = tuple(t for t in comparison.tables if t.title in args.tables)
        comparison = replace(comparison, tables=chosen)
    if args.launcher == "local":
        records = run_comparison(comparison)
    else:
        from ginv_lightning.comparison.launchers import SlurmSettings, submit_comparison

        slurm = SlurmSettings.from_settings({**comparison.slurm, **slurm_flags})
        records = submit_comparison(comparison, args.config, args.launcher, slurm)
    write_atomic(comparison.out / "results.csv", records_csv(records))
    markdown = comparison_markdown(comparison, records)
    write_atomic(comparison.out / "table.md", markdown)
    print(markdown)
    written = [comparison.out / "table.md", comparison.out / "results.csv"]
    for table in comparison.tables:
        seed = min(comparison.seeds)
        shown = [record_path(comparison, cell) for cell in table.cells((seed,))]
        picture = comparison.out / f"{slug(table.title)}-samples.png"
        if table_picture(shown, picture):
            written.append(picture)
        mine = [r for r in records if r["table"] == table.title]
        curves = comparison.out / f"{slug(table.title)}-curves.png"
        if curves_picture(table, mine, curves):
            written.append(curves)
    print(f"written: {', '.join(map(str, written))}")
    return 0
