"""The study's figures: W1 against n on log-log axes, and W1 along training."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

from ginv_lightning.study.analysis import Analysis

COLORS = {
    "ordinary": "tab:gray",
    "invariant": "tab:blue",
    "symmetrized": "tab:green",
    "augmentation": "tab:orange",
    "empirical": "tab:purple",
}
MARKERS = ["o", "s", "^", "D", "v", "P", "X"]


def plot_w1_vs_n(analysis: Analysis, title: str, path: Path, unit: str = "points") -> Path:
    """One line per (model, group): geometric mean over seeds, band of +-1 sd of log W1."""
    groups = sorted({line.group for line in analysis.lines}, key=_group_key)
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    for line in analysis.lines:
        n = np.array(line.n, dtype=float)
        mean = np.array(line.mean)
        spread = np.exp(np.array(line.spread))
        style = "--" if line.model == "empirical" else "-"
        label = f"{line.model} {line.group}"
        if np.isfinite(line.slope):
            label += f" (slope {line.slope:.2f})"
        color = COLORS.get(line.model, "black")
        marker = MARKERS[groups.index(line.group) % len(MARKERS)]
        ax.plot(n, mean, style, color=color, marker=marker, label=label, alpha=0.9)
        ax.fill_between(n, mean / spread, mean * spread, color=color, alpha=0.12)
    ax.axhline(analysis.floor, color="black", lw=1, ls=":", label="noise floor")
    ax.axhspan(
        analysis.floor - analysis.floor_std, analysis.floor + analysis.floor_std,
        color="black", alpha=0.08,
    )  # fmt: skip
    ax.set_xscale("log", base=2)
    ax.set_yscale("log")
    ticks = sorted({n for line in analysis.lines for n in line.n})
    ax.set_xticks(ticks, [str(n) for n in ticks])
    ax.set_xlabel(f"training {unit} n")
    ax.set_ylabel("W1(generated, held-out)")
    ax.set_title(title, fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, ncol=2)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def plot_convergence(
    rows: list[dict], trace: tuple[float, ...], steps: int, title: str, path: Path
) -> Path:
    """W1 along training (the traced fractions and the end): one panel per model kind."""
    fractions = [*trace, 1.0]
    columns = [f"w1_at_{f:g}" for f in trace]
    lines: dict[tuple[str, str, int], list[list[float]]] = {}
    for row in rows:
        if row["model"] == "empirical" or any(row.get(c) in ("", None) for c in columns):
            continue
        values = [float(row[c]) for c in columns] + [float(row["w1"])]
        lines.setdefault((row["model"], row["group"], int(row["n"])), []).append(values)
    models = sorted({key[0] for key in lines}, key=lambda m: list(COLORS).index(m))
    ns = sorted({key[2] for key in lines})
    fig, axes = plt.subplots(
        1, max(1, len(models)), figsize=(3.6 * max(1, len(models)), 4), sharey=True, squeeze=False
    )
    x = [f * steps for f in fractions]
    for ax, model in zip(axes[0], models, strict=False):
        for (kind, group, n), values in sorted(lines.items()):
            if kind != model:
                continue
            mean = np.exp(np.log(np.array(values)).mean(axis=0))
            shade = 0.3 + 0.7 * (ns.index(n) + 1) / len(ns)
            ax.plot(x, mean, marker="o", color=plt.cm.viridis(1 - shade), label=f"{group} n={n}")
        ax.set_title(model, fontsize=9)
        ax.set_yscale("log")
        ax.set_xlabel("generator steps")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=6)
    axes[0][0].set_ylabel("W1 (geometric mean over seeds)")
    fig.suptitle(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def _group_key(name: str) -> tuple[int, str]:
    digits = "".join(ch for ch in name if ch.isdigit())
    return (int(digits) if digits else 0, name)
