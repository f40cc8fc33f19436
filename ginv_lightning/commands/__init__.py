"""The ``ginv`` subcommands other than Lightning's own (fit, validate, test, predict)."""
