"""Pausing Python's cyclic garbage collector while bulk work builds many objects that live on.

Reading and saving a 10,000-row upload makes a few hundred thousand objects (rows, figures,
audit rows) that all stay alive until the work ends. The cyclic collector, triggered by every
700 allocations, walks them again and again although none of them is garbage: about a sixth of
an import's time. Reference counting still frees everything that is dropped; only reference
cycles wait, and are collected as soon as the last paused block ends. Upload limits bound what
one block can allocate.
"""

import contextlib
import gc
import threading

_lock = threading.Lock()
_depth = 0
_was_enabled = False


@contextlib.contextmanager
def paused():
    """Run the block with the cyclic collector off; nested and concurrent blocks share one
    pause, and the collector comes back (if it was on) when the last of them ends."""
    global _depth, _was_enabled
    with _lock:
        if _depth == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _was_enabled:
                gc.enable()
