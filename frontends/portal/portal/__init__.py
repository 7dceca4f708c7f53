"""The citizen portal: the voorportaal's own front door (issue 15)."""
