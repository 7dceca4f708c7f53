"""entrypoints http layer of the intake service."""
