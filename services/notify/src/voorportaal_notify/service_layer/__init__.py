"""service_layer layer of the notify service."""
