"""``ginv bench``: the cost of hard-wired symmetry, measured side by side in one process."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path


def add_parser(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser(
        "bench",
        help="time training steps, sampling and evaluation of equivariant vs plain models",
    )
    parser.add_argument(
        "--config",
        default="rotdigits_c4",
        help="the equivariant `ginv fit` config: a shipped name or a path (default rotdigits_c4)",
    )
    parser.add_argument(
        "--baseline",
        default="rotdigits_cnn",
        help="its parameter-matched plain config: a shipped name or a path (default rotdigits_cnn)",
    )
    parser.add_argument("--out", default="bench", help="folder for bench.json and bench.csv")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved repeats (default 5)")
    parser.add_argument("--batches", type=int, default=10, help="timed batches per round")
    parser.add_argument("--accelerator", choices=["cpu", "gpu"], default="cpu")
    parser.add_argument(
        "--skip-fit", action="store_true", help="skip timing a whole `ginv fit` of --config"
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="instead, profile training batches of --config (escnn's and the fast path) with "
        "torch.profiler and print where the time goes",
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from ginv_lightning.benchmark.report import BenchSettings, table, write
    from ginv_lightning.benchmark.report import run as measure
    from ginv_lightning.errors import ConfigError
    from ginv_lightning.shipped_configs import find_config

    if args.rounds < 1 or args.batches < 1:
        raise ConfigError("--rounds and --batches must be >= 1")
    find_config(args.config), find_config(args.baseline)  # a wrong name fails before any work
    if args.profile:
        return _profile(args)
    settings = BenchSettings(
        args.config, args.baseline, args.rounds, args.batches, args.accelerator, not args.skip_fit
    )
    result = measure(settings, progress=Progress())
    write(result, Path(args.out))
    print(table(result))
    print(f"wrote {Path(args.out) / 'bench.json'} and {Path(args.out) / 'bench.csv'}")
    return 0


class Progress:
    """One line on stderr per measurement started, with the time since the bench began."""

    def __init__(self) -> None:
        self.start = time.perf_counter()

    def __call__(self, what: str) -> None:
        print(f"ginv bench [{time.perf_counter() - self.start:6.1f} s] {what}", file=sys.stderr)


def _profile(args: argparse.Namespace) -> int:
    from ginv_lightning.benchmark.cases import benchmark_cases
    from ginv_lightning.benchmark.profile_step import profile_table

    cases = benchmark_cases(args.config, args.baseline)
    fast = next(case for case in cases if case.name.endswith(", fast path"))
    progress = Progress()
    for case in (cases[0], fast):
        print(profile_table(case, batches=args.batches, progress=progress), end="\n\n")
    return 0
