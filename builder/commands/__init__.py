"""The commands the CLI runs: build (the pipeline), watch, new, and the progress display."""
