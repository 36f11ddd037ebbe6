"""Read a charter: find sources, load YAML with positions, validate, the model, its images."""
