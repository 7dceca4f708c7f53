"""service_layer layer of the dossier service."""
