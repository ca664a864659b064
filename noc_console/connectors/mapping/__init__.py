"""Vendor vocabularies onto the normalised incident: the mapping, its check against a tenant,
guesses, lines to paste.
"""
