"""The baselines the real server is compared with (bench/README.md)."""
