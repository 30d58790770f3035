"""Identity from tokens, rate limits, and the HTTP headers every response carries."""

import secrets
import threading
import time

from flask import abort, current_app, request, session

from .domain.codes import normalise_code

COOKIE_PREFIX = "sla_"


def cookie_name(code):
    return f"{COOKIE_PREFIX}{code}"


def set_identity_cookie(response, code, token):
    """HttpOnly: page scripts never see the token. Lax: it rides along same-site navigation only."""
    response.set_cookie(
        cookie_name(code),
        token,
        max_age=60 * 60 * 24 * 90,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure,
    )


def bearer_token():
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer "):
        return header[len("Bearer ") :].strip()
    return None


def token_for(code):
    """The caller's token for this workshop: bearer header first, then the browser cookie."""
    return bearer_token() or request.cookies.get(cookie_name(code))


def token_from_socket_request(auth):
    """Scripts connect with auth {token}; browsers with auth {code} and their cookie."""
    if isinstance(auth, dict):
        if isinstance(auth.get("token"), str):
            return auth["token"]
        if isinstance(auth.get("code"), str):
            return request.cookies.get(cookie_name(normalise_code(auth["code"])))
    return None


class TokenBucket:
    """Allows `rate` events a second with bursts of `burst`, per key. Memory only, per process:
    a limit is a speed bump, not state anybody needs after a restart."""

    def __init__(self, rate, burst):
        self.rate, self.burst = rate, burst
        self.buckets = {}
        self.lock = threading.Lock()

    def allow(self, key):
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            if tokens < 1:
                self.buckets[key] = (tokens, now)
                return False
            self.buckets[key] = (tokens - 1, now)
            if len(self.buckets) > 10_000:
                self.buckets.clear()
            return True


def command_bucket_allows(sid):
    return current_app.extensions["sla_limits"]["command"].allow(sid)


def client_allows(kind):
    """Joins and code look-ups per client address."""
    return current_app.extensions["sla_limits"][kind].allow(request.remote_addr or "?")


def csrf_token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


def check_csrf():
    """Form posts carry the session's CSRF token; JSON API calls are not forms."""
    if request.method == "POST" and request.mimetype in (
        "application/x-www-form-urlencoded",
        "multipart/form-data",
    ):
        sent = request.form.get("csrf_token", "")
        if not sent or not secrets.compare_digest(sent, session.get("csrf", "")):
            abort(400, description="csrf")


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'"
)


def secure_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    return response


def init_app(app):
    rates = app.config["RATE_LIMITS"]
    app.extensions["sla_limits"] = {kind: TokenBucket(*rates[kind]) for kind in rates}
    app.before_request(check_csrf)
    app.after_request(secure_headers)
