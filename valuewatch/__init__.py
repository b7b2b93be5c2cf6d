"""The composition root: the one `valuewatch` command line."""
