"""Voorportaal dossier service: Cases, timeline, ownership, sharing, access audit, promises."""
