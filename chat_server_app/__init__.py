"""Parla's chat server: the engine, its history, the headless runner and the dashboard."""
