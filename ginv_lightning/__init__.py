"""ginv-lightning: group-invariant GANs on PyTorch Lightning.

Importing the package is cheap on purpose: `ginv --help` and `ginv groups list`
must not pay for torch or escnn. Import the submodules you need.
"""

__version__ = "0.1.0"
