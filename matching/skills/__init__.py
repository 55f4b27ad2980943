"""Skills: extraction from a worker's words and normalisation to ESCO v1.1.1 skills."""
