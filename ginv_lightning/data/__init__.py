"""LightningDataModules: embedded rotated digits, a user's own images, RotMNIST files."""

from ginv_lightning.data.files import ImageFiles
from ginv_lightning.data.rotdigits import RotDigits
from ginv_lightning.data.rotmnist import RotMNIST

__all__ = ["ImageFiles", "RotDigits", "RotMNIST"]
