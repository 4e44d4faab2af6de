"""Widgets both programs show, the client and the server's dashboard.

``shared`` may not load Qt's GUI (a headless server imports it); what the two windows
have in common, such as Help ▸ About, lives here instead, so that it exists once.
"""
