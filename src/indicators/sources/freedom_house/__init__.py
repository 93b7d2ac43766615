"""sources.freedom_house."""
