"""The sample-complexity study (``ginv study``): a grid of GANs trained on n samples of a
G-invariant target law, their W1 errors, slopes and effective-sample-size multipliers."""
