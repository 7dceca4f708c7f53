"""Voorportaal: the command line that starts, inspects and operates the suite."""
