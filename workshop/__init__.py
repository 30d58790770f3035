"""The marketing–sales SLA workshop: app factory."""

import os
import secrets
from pathlib import Path

from flask import Flask

from .security import rate_limits_from

ROOT = Path(__file__).resolve().parent.parent


def create_app(test_config=None):
    """Config from defaults, then the environment, then test_config (flaskr style)."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_mapping(
        DATABASE=os.environ.get("WORKSHOP_DB") or str(Path(app.instance_path) / "workshop.sqlite"),
        EXPORT_DIR=os.environ.get("EXPORT_DIR") or str(ROOT / "exports"),
        MESSAGE_QUEUE=os.environ.get("MESSAGE_QUEUE") or None,
        # Secure too whenever the request is https (security.SessionCookies).
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        BABEL_DEFAULT_LOCALE="en",
        BABEL_TRANSLATION_DIRECTORIES=str(ROOT / "workshop" / "translations"),
        MAX_CONTENT_LENGTH=64 * 1024,
        # (rate per second, burst) per kind: security.RATE_LIMIT_DEFAULTS, RATE_LIMIT_<KIND>
        RATE_LIMITS=rate_limits_from(os.environ),
        # Sockets one person may hold at once (tabs, the projector, a phone).
        MAX_SOCKETS_PER_MEMBER=int(os.environ.get("MAX_SOCKETS_PER_MEMBER") or 10),
        # Set TRUST_PROXY=1 only behind exactly one reverse proxy that sets X-Forwarded-*.
        TRUST_PROXY=os.environ.get("TRUST_PROXY") == "1",
    )
    if test_config:
        app.config.update(test_config)
    from .safejson import JSONProvider

    app.json = JSONProvider(app)  # request bodies nested too deeply are refused (400)
    app.json.sort_keys = False  # the order of sections and fields is meaningful
    app.jinja_env.policies["json.dumps_kwargs"] = {"sort_keys": False}  # also for |tojson
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SECRET_KEY"] = (
        app.config.get("SECRET_KEY") or os.environ.get("SECRET_KEY") or _instance_secret(app)
    )

    from . import api, db, errors, i18n, realtime, security, views
    from .dashboard import views as dashboard_views
    from .document import exports as exports_api
    from .reviews import views as reviews_views
    from .versions import views as versions_views

    db.init_app(app)
    i18n.init_app(app)
    security.init_app(app)
    errors.init_app(app)
    realtime.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    app.register_blueprint(exports_api.bp)
    app.register_blueprint(dashboard_views.bp)
    app.register_blueprint(reviews_views.bp)
    app.register_blueprint(versions_views.bp)
    app.cli.add_command(exports_api.export_command)
    app.cli.add_command(exports_api.verify_command)
    app.cli.add_command(dashboard_views.import_actuals_command)

    db.migrate(app.config["DATABASE"])
    security.trust_proxy(app)
    return app


def _instance_secret(app):
    """Generated once and kept in the instance folder, so sessions survive restarts."""
    path = Path(app.instance_path) / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()
