"""The sidecar service: ingest routes, auth, redaction, group-commit writer, /metrics."""
