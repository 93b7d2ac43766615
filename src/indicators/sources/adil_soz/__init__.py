"""sources.adil_soz."""
