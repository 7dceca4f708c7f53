"""service_layer layer of the routing service."""
