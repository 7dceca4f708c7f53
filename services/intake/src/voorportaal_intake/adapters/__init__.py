"""adapters layer of the intake service."""
