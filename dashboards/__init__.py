"""Grafana dashboards generated with grafanalib from the catalog and the shared queries."""
