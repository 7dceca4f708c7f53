"""adapters layer of the routing service."""
