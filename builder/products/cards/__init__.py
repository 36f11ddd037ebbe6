"""The dialogue card deck."""
