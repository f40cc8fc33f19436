"""Lightning callbacks: sample grids and generative metrics."""

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.callbacks.samples import SampleGrid

__all__ = ["GenerativeMetrics", "SampleGrid"]
