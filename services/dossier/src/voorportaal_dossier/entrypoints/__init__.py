"""entrypoints layer of the dossier service."""
