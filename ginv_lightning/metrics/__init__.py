"""Sample-quality metrics: FID/KID on chosen features, digit scores, invariance diagnostics."""
