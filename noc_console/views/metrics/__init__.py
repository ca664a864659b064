"""The Metrics view (Shift+M): per-client table, trend charts, period picker."""
