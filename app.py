"""Entry point: `python app.py` serves the workshop; `flask --app app ...` for commands."""

import os

from workshop import create_app
from workshop.realtime import socketio, start_presence
from workshop.service import finish_interrupted_work

app = create_app()

if __name__ == "__main__":
    start_presence(app)
    socketio.start_background_task(finish_interrupted_work, app)
    socketio.run(
        app,
        host=os.environ.get("HOST", "127.0.0.1"),
        port=int(os.environ.get("PORT", "5000")),
        allow_unsafe_werkzeug=True,  # threading mode: the development server is the server
    )
