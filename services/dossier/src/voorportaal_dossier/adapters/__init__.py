"""adapters layer of the dossier service."""
