"""``ginv study --config study_gmm_c4``: the sample-complexity study, end to end.

Runs the grid (resuming an interrupted one), then writes ``results.csv``, the
plots, and the summary table with slopes and effective-sample-size multipliers.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from ginv_lightning.grid.command_line import add_grid_arguments


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "study",
        help="measure W1 against n for invariant and ordinary GANs (sample-complexity study)",
        description="Train a grid of GANs on n samples of a G-invariant target, measure the "
        "Wasserstein-1 error, fit slopes and the effective-sample-size multiplier. "
        "Rerunning the same command resumes an interrupted study.",
    )
    parser.add_argument(
        "--config",
        required=True,
        help="study YAML: a shipped name (study_gmm_c4, `ginv configs list`) or a path",
    )
    parser.add_argument("--out", help="output directory (default: the config's `out`)")
    parser.add_argument(
        "--workers",
        type=int,
        help="runs side by side in worker processes, with --launcher local (default: the config's)",
    )
    parser.add_argument(
        "--analyse-only",
        action="store_true",
        help="skip training; summarise the runs already in the output directory",
    )
    add_grid_arguments(parser, "")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.errors import ConfigError
    from ginv_lightning.grid.command_line import launcher_from, trainer_flags
    from ginv_lightning.grid.engine import run_grid
    from ginv_lightning.grid.records import RecordFolder
    from ginv_lightning.shipped_configs import find_config
    from ginv_lightning.study.analysis import analyse
    from ginv_lightning.study.config_file import load_config
    from ginv_lightning.study.grid import StudyGrid
    from ginv_lightning.study.plot import plot_convergence, plot_w1_vs_n
    from ginv_lightning.study.report import summary_markdown, write_summary
    from ginv_lightning.study.results import write_results

    path = find_config(args.config)
    config = load_config(path, out=args.out, workers=args.workers, trainer=trainer_flags(args))
    if args.workers is not None and args.launcher != "local":
        raise ConfigError(f"--workers is for --launcher local; {args.launcher} runs a job per run")
    launcher = launcher_from(args, config.slurm, config.workers if args.launcher == "local" else 1)
    grid = StudyGrid(config)
    trace, samples = config.evaluation.trace, config.evaluation.samples

    def write(done: dict) -> None:
        write_results(config.out, done.values(), grid.floor, trace)

    def show_floor() -> None:
        floor = grid.floor
        print(f"Noise floor of W1 at {samples} {config.target.unit}: {floor[0]:.4f} "
              f"+- {floor[1]:.4f}", flush=True)  # fmt: skip

    if args.analyse_only:
        records = RecordFolder(grid)
        records.check_owner()
        write(records.finished())
    else:
        write(run_grid(grid, launcher, on_record=write, on_start=show_floor))
    results = config.out / "results.csv"
    rows = _read_rows(results)
    if not rows:
        print(f"no finished runs in {config.out}")
        return 0
    floor = (float(rows[0]["floor"]), float(rows[0]["floor_std"]))
    evaluation = config.evaluation
    analysis = analyse(rows, floor, evaluation.resolve_factor, evaluation.bootstrap)
    title = f"{config.target!r}, {config.training.steps} generator steps"
    unit = config.target.unit
    plot = plot_w1_vs_n(analysis, title, config.out / "w1_vs_n.png", unit)
    outputs = [results, plot]
    if evaluation.trace:
        outputs.append(
            plot_convergence(
                rows, evaluation.trace, config.training.steps, title, config.out / "convergence.png"
            )
        )
    markdown = summary_markdown(analysis, repr(config.target), evaluation.samples, unit)
    outputs.extend(write_summary(analysis, markdown, config.out))
    print()
    print(markdown)
    print("wrote " + ", ".join(str(p) for p in outputs))
    return 0


def _read_rows(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with open(path, newline="") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        for key in ("order", "n", "seed"):
            row[key] = int(row[key])
        row["w1"] = float(row["w1"])
    return rows
