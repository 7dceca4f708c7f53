"""entrypoints layer of the intake service."""
