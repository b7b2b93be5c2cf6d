"""Peer systems benchmarked beside valuewatch, each in a virtual environment of its own."""
