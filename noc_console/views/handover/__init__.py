"""The Handover window, the board's handover flag and the PDF."""
