"""Giving freed memory back to the operating system after a burst.

A join storm or a flood queues megabytes in thousands of socket buffers for a
moment; once delivered it is freed, but glibc keeps the fragmented heap, and the
server's resident size stays at its peak (measured: 100 KB per connection after
2 000 joins, 32 KB once trimmed). ``malloc_trim`` hands the free pages back.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable

__all__ = ["release_free_heap"]


def _find_malloc_trim() -> Callable[[int], int] | None:
    if not sys.platform.startswith("linux"):
        return None
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    try:
        trim = ctypes.CDLL(name).malloc_trim
    except (OSError, AttributeError):  # musl and other C libraries have none
        return None
    trim.argtypes = [ctypes.c_size_t]
    trim.restype = ctypes.c_int
    return trim


_malloc_trim = _find_malloc_trim()


def release_free_heap() -> bool:
    """Return free heap pages to the OS; ``False`` where the C library cannot."""
    if _malloc_trim is None:
        return False
    _malloc_trim(0)
    return True
