"""Production: `gunicorn -c gunicorn.conf.py app:app` (see docs/deployment.md).

One worker per process: Socket.IO needs every request of a client to reach the same
process. Threads serve the WebSocket connections (simple-websocket, threading mode).
Run several such processes on different ports with MESSAGE_QUEUE set and a load balancer
with sticky sessions in front to scale out.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = 1
threads = int(os.environ.get("THREADS", "64"))
worker_class = "gthread"
timeout = 0  # WebSocket connections are long-lived; the heartbeat keeps presence honest


def post_worker_init(worker):
    from workshop.dashboard import ticker
    from workshop.realtime import socketio, start_presence
    from workshop.service import finish_interrupted_work

    app = worker.wsgi  # the Flask app loaded from app:app
    start_presence(app)
    ticker.start(app)
    socketio.start_background_task(finish_interrupted_work, app)
