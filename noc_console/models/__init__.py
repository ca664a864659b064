"""The domain: incidents, clients, priorities, SLA clocks, and the cache that stores them.

GUI-free and network-free; everything above builds on these types.
"""
