"""domain layer of the dossier service."""
