"""sources.generic."""
