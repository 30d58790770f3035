"""Entry point: `python app.py` serves the workshop on gevent (`make run`); `python app.py
--dev` on Werkzeug's development server (`make dev`); `flask --app app ...` for commands."""

import sys

PRODUCTION = __name__ == "__main__" and "--dev" not in sys.argv
if PRODUCTION:
    # First of all: sockets, threads and sleeps become cooperative (workshop/server.py).
    from gevent import monkey

    monkey.patch_all()

import os  # noqa: E402

from workshop import create_app, server  # noqa: E402

# Changes within a few milliseconds of each other go out in one broadcast (broadcast.py).
WINDOW_MS = int(os.environ.get("BROADCAST_WINDOW_MS") or 5)
GEVENT = PRODUCTION or server.gevent_patched()  # also under gunicorn's gevent worker
app = create_app({"ASYNC_MODE": "gevent", "BROADCAST_WINDOW_MS": WINDOW_MS} if GEVENT else None)


if __name__ == "__main__":
    server.start_background_work(app)
    serve = server.serve if PRODUCTION else server.serve_dev
    serve(app, os.environ.get("HOST", "127.0.0.1"), int(os.environ.get("PORT", "5000")))
