"""The GAN LightningModule, its losses, penalties and averaging."""
