"""Files: atomic writes, run directories and the provenance record."""
