"""The booklet: the charter as an A5 handbook."""
