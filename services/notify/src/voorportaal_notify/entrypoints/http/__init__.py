"""entrypoints http layer of the notify service."""
