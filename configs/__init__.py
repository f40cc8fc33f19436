"""The shipped configs, installed as the package ``ginv_lightning.configs`` (see setup.py).

``ginv fit --config rotdigits_c4`` finds ``rotdigits_c4.yaml`` here, in a clone
and in a pip-installed copy alike; ``ginv configs list`` shows them all.
"""
