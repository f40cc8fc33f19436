"""The metrics a GAN is measured with, by name: built-ins and plugins fill one registry.

A metric is a torchmetrics ``Metric`` subclass of :class:`GenerativeMetric`
(its states, ``update``, ``compute``, ``higher_is_better``, and which data it
applies to), registered under the entry-point group ``ginv.metrics`` as
``<name> = "package.module:Class"``. The built-in metrics are registered the
same way in ginv-lightning's own ``pyproject.toml``. The metrics callback, the
headline distances ``ginv compare`` accepts and the docs' metric table all read
this registry, so adding a metric is one file and one entry point.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib.metadata import EntryPoint, entry_points
from typing import Any, ClassVar

from torch import Tensor, nn
from torchmetrics import Metric

from ginv_lightning.errors import ConfigError
from ginv_lightning.metrics.config import MetricsConfig

ENTRY_POINT_GROUP = "ginv.metrics"


@dataclass(frozen=True)
class MetricContext:
    """What a metric is built for: the settings, the feature network (if any), the data.

    ``sample_dims`` is the number of dimensions of one sample (3 for an image
    (C, H, W), 4 for a voxel grid, 2 for a set of points (k, d)).
    """

    config: MetricsConfig
    features: nn.Module | None
    sample_dims: int
    sample_shape: tuple[int, ...]
    classes: int = 0


@dataclass(frozen=True)
class Reference:
    """The real samples of the reference split: all of them, and this process's shard."""

    samples: Tensor  # every reference sample (each process holds all)
    features: Tensor | None  # features of this process's shard (None without a network)
    labels: Tensor | None  # labels of this process's shard (class-conditional GANs)


@dataclass(frozen=True)
class Generated:
    """One batch of generated samples and what the evaluator derived from it."""

    samples: Tensor
    moved: Tensor  # each sample moved by a random group element
    labels: Tensor | None  # the classes asked for (class-conditional GANs)
    features: Tensor | None  # float64 features (None without a network)
    probabilities: Tensor | None  # the digit classifier's (digits features only)


class GenerativeMetric(Metric):
    """One registered metric: logs ``val/<key>`` for each key its ``compute`` returns.

    Subclasses set ``name`` (its registry name), ``keys`` (what it may log, the
    first its headline value), ``recorded`` (the keys a comparison cell's record
    keeps, default all), ``higher_is_better`` and ``headline`` (whether a
    comparison table may be ranked by it), decide in :meth:`applies` which data
    they measure, and implement ``update(generated: Generated)`` (once per
    generated batch, every process its own share) and ``compute() -> dict``
    (on every process: torchmetrics gathers the states). States that outlive
    a measurement (the reference) are kept by :meth:`add_reference`; ``reset``
    forgets only generated samples.
    """

    name: ClassVar[str]
    keys: ClassVar[tuple[str, ...]]
    recorded: ClassVar[tuple[str, ...] | None] = None  # kept in a comparison's records
    headline: ClassVar[bool] = False
    full_state_update: ClassVar[bool] = False

    def __init__(self, context: MetricContext) -> None:
        super().__init__()
        self.context = context

    @classmethod
    def applies(cls, context: MetricContext) -> bool:
        """Whether this metric measures such data with such settings (default: always)."""
        return True

    def check_reference(self, size: int) -> None:
        """Refuse (one line) a reference this metric cannot use; before anything is measured."""

    def add_reference(self, reference: Reference) -> None:
        """Keep what this metric needs of the real samples (once per run)."""

    def observe_validation(
        self, discriminator: nn.Module, symmetry: Any, real: Tensor, labels: Tensor | None
    ) -> None:
        """See one real validation batch and the discriminator (validation loops only)."""

    def begin_generated(self) -> None:
        """A measurement of generated samples starts, on every process (some may get no
        batch: what decides whether ``compute`` gathers must be set here, not in ``update``)."""

    def reset(self) -> None:
        """Forget the generated samples: this metric's states and its child metrics'."""
        super().reset()
        for module in self.modules():
            if module is not self and isinstance(module, Metric):
                module.reset()


@cache
def registered_metrics() -> dict[str, type[GenerativeMetric]]:
    """Every installed metric by name (read once per process)."""
    found = load_metrics(entry_points(group=ENTRY_POINT_GROUP))
    if "fid" not in found:  # run from a checkout whose install predates the registry
        raise ConfigError(
            f"ginv-lightning's own metrics are not registered ({ENTRY_POINT_GROUP} entry "
            "points); reinstall the package (pip install -e . in a checkout)"
        )
    return found


def load_metrics(points: Iterable[EntryPoint]) -> dict[str, type[GenerativeMetric]]:
    """The metrics these entry points name; a name registered twice is refused, not shadowed."""
    found: dict[str, type[GenerativeMetric]] = {}
    sources: dict[str, str] = {}
    for point in sorted(points, key=lambda p: p.value):
        metric = point.load()
        source = point.dist.name if point.dist else point.value
        if not (isinstance(metric, type) and issubclass(metric, GenerativeMetric)):
            raise ConfigError(
                f"the {ENTRY_POINT_GROUP} entry point {point.name!r} of {source} is not a "
                "GenerativeMetric subclass (ginv_lightning.metrics.registry)"
            )
        if point.name in found:
            raise ConfigError(
                f"two installed packages register the metric {point.name!r} "
                f"({sources[point.name]} and {source}); uninstall one"
            )
        if point.name != metric.name:
            raise ConfigError(
                f"the {ENTRY_POINT_GROUP} entry point {point.name!r} of {source} names "
                f"{metric.__name__}, whose name is {metric.name!r}; they must agree"
            )
        found[point.name], sources[point.name] = metric, source
    return found


def recorded_keys() -> tuple[str, ...]:
    """The ``val/`` keys of registered metrics that a comparison cell's record keeps."""
    return tuple(
        key
        for metric in registered_metrics().values()
        for key in (metric.keys if metric.recorded is None else metric.recorded)
    )


def headline_keys() -> tuple[str, ...]:
    """The distances a comparison table may be ranked by (lower is better)."""
    return tuple(
        metric.keys[0]
        for metric in registered_metrics().values()
        if metric.headline and not metric.higher_is_better
    )
