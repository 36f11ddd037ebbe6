"""After layout: page arithmetic, pypdf sheets and boxes, print colour."""
