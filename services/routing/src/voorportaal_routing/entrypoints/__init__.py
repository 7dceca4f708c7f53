"""entrypoints layer of the routing service."""
