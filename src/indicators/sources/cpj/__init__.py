"""sources.cpj."""
