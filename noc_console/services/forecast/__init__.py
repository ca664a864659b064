"""The breach forecast: for every running SLA clock, the chance it breaches, learnt from how
long incidents of its class took in the cache's closed history (docs/forecast.md)."""
