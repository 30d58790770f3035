"""Production behind gunicorn: `gunicorn -c gunicorn.conf.py app:app` (docs/deployment.md).

One worker per process: Socket.IO needs every request of a client to reach the same
process. The gevent worker serves every connection on a greenlet, WebSockets included
(simple-websocket). Run several such processes on different ports with MESSAGE_QUEUE set
and a load balancer with sticky sessions in front to scale out.
"""

import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
workers = 1
worker_class = "gevent"
worker_connections = int(os.environ.get("WORKER_CONNECTIONS", "10000"))
timeout = 0  # WebSocket connections are long-lived; the heartbeat keeps presence honest
keepalive = 60


def post_worker_init(worker):
    from workshop.server import raise_file_limit, start_background_work

    raise_file_limit()
    start_background_work(worker.wsgi)  # the Flask app loaded from app:app
