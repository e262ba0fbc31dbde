"""Question banks: the YAML format, its validation and its import."""
