"""The QtCore glue both apps share: the runtime around the pure protocol.

Everything here may import QtCore and QtNetwork, never a GUI module: the one
class that owns a socket (:mod:`~shared.qt.connection`, with the epoll read reactor
it uses on Linux), the stop-signal watcher, the translators and the startup probe.
The pure protocol (:mod:`shared.codec`, :mod:`shared.messages`, ...) lives one level
up and imports no Qt at all.
"""
