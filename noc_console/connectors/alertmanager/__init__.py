"""Prometheus Alertmanager (API v2): firing alerts as incidents (docs/alertmanager.md)."""
