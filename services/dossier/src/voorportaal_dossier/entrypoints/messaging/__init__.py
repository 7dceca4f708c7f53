"""entrypoints messaging layer of the dossier service."""
