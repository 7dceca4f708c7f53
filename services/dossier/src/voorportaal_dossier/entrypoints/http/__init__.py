"""entrypoints http layer of the dossier service."""
