"""dist/: atomic writes, the manifest, reproducible bytes."""
