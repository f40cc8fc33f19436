"""Lightning callbacks: metrics, learning curves, sample grids, progress, checkpoints on a
schedule, the divergence guard, and the run's identity and start in each checkpoint."""

from ginv_lightning.callbacks.metrics import GenerativeMetrics
from ginv_lightning.callbacks.samples import SampleGrid

__all__ = ["GenerativeMetrics", "SampleGrid"]
