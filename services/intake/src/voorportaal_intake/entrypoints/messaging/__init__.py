"""entrypoints messaging layer of the intake service."""
