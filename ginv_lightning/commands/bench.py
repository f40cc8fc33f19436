"""``ginv bench``: the cost of hard-wired symmetry, measured side by side in one process."""

from __future__ import annotations

import argparse
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "bench",
        help="time training steps, sampling and evaluation of equivariant vs plain models",
    )
    parser.add_argument("--out", default="bench", help="folder for bench.json and bench.csv")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved repeats (default 5)")
    parser.add_argument("--batches", type=int, default=10, help="timed batches per round")
    parser.add_argument("--accelerator", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument(
        "--skip-fit", action="store_true", help="skip timing a whole default `ginv fit` run"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.benchmark.report import run as measure
    from ginv_lightning.benchmark.report import table, write
    from ginv_lightning.errors import ConfigError

    if args.rounds < 1 or args.batches < 1:
        raise ConfigError("--rounds and --batches must be >= 1")
    result = measure(args.rounds, args.batches, args.accelerator, with_fit=not args.skip_fit)
    write(result, Path(args.out))
    print(table(result))
    print(f"wrote {Path(args.out) / 'bench.json'} and {Path(args.out) / 'bench.csv'}")
    return 0
