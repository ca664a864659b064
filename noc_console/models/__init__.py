"""The domain: incidents, clients, priorities, SLA clocks, shifts.

GUI-free and network-free; everything above builds on these types. The cache that
stores them is `models/cache/`.
"""
