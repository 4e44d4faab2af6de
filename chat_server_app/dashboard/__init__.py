"""The operator dashboard: a window over :class:`~chat_server_app.engine.ChatServer`.

Widgets only wire the engine's signals to models and views; every protocol rule
stays in the engine. ``runner.run_dashboard`` is the entry point.
"""
