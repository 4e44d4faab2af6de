"""Parla's benchmark suite: see bench/README.md."""
