"""The console's pages: one per module, each with its state beside it."""
