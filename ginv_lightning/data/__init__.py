"""LightningDataModules: embedded rotated digits, real pictures bundled with scikit-image
(histology, galaxies, faces), a user's own images, RotMNIST files."""

from ginv_lightning.data.faces import Faces
from ginv_lightning.data.files import ImageFiles
from ginv_lightning.data.galaxies import GalaxyPatches
from ginv_lightning.data.histology import HistologyPatches
from ginv_lightning.data.rotdigits import RotDigits
from ginv_lightning.data.rotmnist import RotMNIST

__all__ = ["Faces", "GalaxyPatches", "HistologyPatches", "ImageFiles", "RotDigits", "RotMNIST"]
