"""Voorportaal buddy console (Reflex)."""
