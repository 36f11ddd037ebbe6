"""What a build makes from a charter, one folder or module a product."""
