"""The GUI-free engine: configuration, sync, board feed and export.

Everything here runs in plain threads or the command line; progress and results are
plain values that the views layer carries to the GUI thread.
"""
