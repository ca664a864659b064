"""The HTTP layer every connector shares: client, settings, transport, paging, rate limit,
redaction.
"""
