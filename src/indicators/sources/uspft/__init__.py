"""sources.uspft."""
