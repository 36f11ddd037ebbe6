"""HTML through Jinja and WeasyPrint: templates, rendering, fonts, marks, the proof."""
