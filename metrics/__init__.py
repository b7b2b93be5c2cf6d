"""The single source of truth: metric catalog, SQL tables, settings and the store."""
