"""entrypoints http layer of the routing service."""
