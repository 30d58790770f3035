"""The Socket.IO server, bound to the app in realtime.init_app (one object, no import cycles)."""

import weakref

from flask_socketio import SocketIO

socketio = SocketIO()

# Work started after a command (the final PDF, a broadcast after its window, closing a
# removed person's sockets): kept so a test can wait for it before the next test's app takes
# over the one Socket.IO server (a late broadcast would reach that test's sockets).
_tasks = weakref.WeakSet()


def background(fn, *args):
    task = socketio.start_background_task(fn, *args)
    _tasks.add(task)
    return task


def wait_for_background_work(timeout=120):
    for task in list(_tasks):
        task.join(timeout)
