"""The Socket.IO server, bound to the app in realtime.init_app (one object, no import cycles)."""

from flask_socketio import SocketIO

socketio = SocketIO()
