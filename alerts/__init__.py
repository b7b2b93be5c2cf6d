"""Prometheus recording and alerting rules generated from the catalog and the settings."""
