"""The portal's pages, one module each (layout and the state of that page)."""
