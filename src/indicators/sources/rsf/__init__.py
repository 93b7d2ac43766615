"""sources.rsf."""
