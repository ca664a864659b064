"""The wall display: window, pages, widgets, scale, status and placement."""
