"""entrypoints messaging layer of the notify service."""
