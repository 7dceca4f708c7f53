"""Voorportaal dossier service: Cases, timeline, ownership and handover, sharing, access audit, promises."""
