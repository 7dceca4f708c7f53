"""domain layer of the routing service."""
