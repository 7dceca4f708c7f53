"""entrypoints messaging layer of the routing service."""
