"""Everything is declared in pyproject.toml except the package list.

The repository's ``configs/`` folder is where people read the configs; it is
installed as the package ``ginv_lightning.configs`` so that a pip-installed
``ginv`` finds them by name. pyproject.toml's package discovery cannot map a
folder outside the package tree, so the list is made here.
"""

from setuptools import find_packages, setup

setup(
    packages=[*find_packages(include=["ginv_lightning*"]), "ginv_lightning.configs"],
    package_dir={"ginv_lightning.configs": "configs"},
)
