"""One-line errors for a data module's counts, named as the config names them."""

from __future__ import annotations

from ginv_lightning.errors import ConfigError


def require_positive(**counts: int) -> None:
    """Refuse the first count below 1: ``data.<name> must be >= 1, got <value>``."""
    for name, value in counts.items():
        if value < 1:
            raise ConfigError(f"data.{name} must be >= 1, got {value}")
