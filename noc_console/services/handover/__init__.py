"""Shift handover: assembling it, the desk the views ask, the HTML document."""
