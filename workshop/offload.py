"""CPU-heavy work (WeasyPrint printing a PDF) off the event loop.

Under gevent (`make run`) every request and socket shares one thread: a PDF that takes
seconds to print would freeze every room on the server meanwhile. `blocking` runs such work
in a real thread of gevent's pool, so the loop keeps serving (the GIL changes hands every
few milliseconds). Under Werkzeug's threads (`make dev`, the tests' app) it just calls.
The function must not need Flask's context: pass it what it needs.
"""

from .server import gevent_patched


def blocking(fn, *args, **kwargs):
    if not gevent_patched():
        return fn(*args, **kwargs)
    from gevent import get_hub

    return get_hub().threadpool.apply(fn, args, kwargs)
