"""``ginv study --config study_gmm_c4``: the sample-complexity study, end to end.

Runs the grid (resuming an interrupted one), then writes ``results.csv``, the
plots, and the summary table with slopes and effective-sample-size multipliers.
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path


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
    parser.add_argument("--workers", type=int, help="worker processes (default: the config's)")
    parser.add_argument(
        "--analyse-only",
        action="store_true",
        help="skip training; summarise the runs already in the output directory",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.shipped_configs import find_config
    from ginv_lightning.study.analysis import analyse
    from ginv_lightning.study.config_file import load_config
    from ginv_lightning.study.grid_runner import noise_floor, run_grid
    from ginv_lightning.study.plot import plot_convergence, plot_w1_vs_n
    from ginv_lightning.study.report import summary_markdown, write_summary

    config = load_config(find_config(args.config), out=args.out, workers=args.workers)
    if args.analyse_only:
        from ginv_lightning.study.records import Records

        records = Records(config.out, config.fingerprint())
        records.write_csv(records.load(), noise_floor(config), config.evaluation.trace)
    else:
        run_grid(config)
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
