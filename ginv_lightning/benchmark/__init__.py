"""`ginv bench`: training-step, sampling, evaluation and memory costs, side by side."""
