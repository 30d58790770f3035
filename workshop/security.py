"""Identity from tokens, rate limits, and the HTTP headers every response carries."""

import math
import secrets
import threading
import time

from flask import abort, current_app, g, request, session
from flask.sessions import SecureCookieSessionInterface
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.middleware.proxy_fix import ProxyFix

from . import store
from .db import get_db
from .domain.codes import normalise_code
from .errors import refusal
from .i18n import N_

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
        # Real tokens are ASCII; anything else (lone surrogates included) cannot be hashed.
        if isinstance(auth.get("token"), str):
            return auth["token"] if auth["token"].isascii() else None
        if isinstance(auth.get("code"), str):
            return request.cookies.get(cookie_name(normalise_code(auth["code"])))
    return None


def identity():
    """(workshop, member) of this request, looked up once and kept for the request: the
    workshop whose code is in the URL (None if there is none or it is unknown) and the
    member behind the caller's token for it, bearer first, then the cookie (None without
    one). The member may belong to another workshop: see `member_of`."""
    if "identity" not in g:
        code = (request.view_args or {}).get("code")
        db = get_db()
        workshop = store.workshop_by_code(db, normalise_code(code)) if code else None
        token = token_for(workshop["code"]) if workshop else None
        member = store.member_by_token(db, token) if token else None
        g.identity = (workshop, member)
    return g.identity


def member_of(workshop, member):
    """The member if they belong to this workshop, else None."""
    if workshop is None or member is None or member["workshop_id"] != workshop["id"]:
        return None
    return member


def signed_in_member():
    """The caller, if signed in to the workshop in the URL."""
    return member_of(*identity())


# (rate per second, burst) per kind; each can be set from the environment as
# RATE_LIMIT_<KIND>="<rate per second>,<burst>" (README). Sixty people behind one office
# address can join within a minute; a script guessing join codes (about 48 bits) gets one
# unknown code a second after 30.
RATE_LIMIT_DEFAULTS = {
    "join": (1.0, 100),  # workshops created and joined per client address
    "lookup": (1.0, 30),  # unknown join codes per client address
    "command": (20.0, 60),  # commands per socket (per person over HTTP)
    "connect_address": (5.0, 200),  # socket connects per client address
    "connect_member": (1.0, 10),  # socket connects per person
}


def rate_limits_from(environ):
    """RATE_LIMITS from RATE_LIMIT_<KIND> variables; a malformed value is an error at start."""
    limits = dict(RATE_LIMIT_DEFAULTS)
    for kind in RATE_LIMIT_DEFAULTS:
        value = environ.get(f"RATE_LIMIT_{kind.upper()}")
        if value:
            rate, burst = (part.strip() for part in value.split(","))
            limits[kind] = (float(rate), int(burst))
            if limits[kind][0] <= 0 or limits[kind][1] < 1:
                raise ValueError(f"RATE_LIMIT_{kind.upper()} must be a positive rate and burst")
    return limits


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

    def retry_after(self, key):
        """Seconds until `allow` would pass for key (0 when it would now)."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            return max(0.0, (1 - tokens) / self.rate)

    def has_token(self, key):
        """Whether `allow` would pass now, without spending anything."""
        now = time.monotonic()
        with self.lock:
            tokens, last = self.buckets.get(key, (self.burst, now))
            return min(self.burst, tokens + (now - last) * self.rate) >= 1


class SharedTokenBucket:
    """The same bucket kept in Redis (MESSAGE_QUEUE), so that every process of a deployment
    spends from one budget: a script guessing join codes behind a load balancer gets the
    rate once, not once per process. Redis's clock and one Lua script keep it atomic. If
    Redis does not answer, the process's own bucket stands in (a speed bump still)."""

    SCRIPT = """
    local now = redis.call('TIME')
    now = tonumber(now[1]) + tonumber(now[2]) / 1e6
    local rate, burst, spend = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
    local saved = redis.call('HMGET', KEYS[1], 'tokens', 'at')
    local tokens = tonumber(saved[1]) or burst
    local at = tonumber(saved[2]) or now
    tokens = math.min(burst, tokens + math.max(0, now - at) * rate)
    local allowed = 0
    if tokens >= 1 then
      allowed = 1
      tokens = tokens - spend
    end
    if spend > 0 then
      redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
      redis.call('EXPIRE', KEYS[1], math.ceil(burst / rate) + 1)
    end
    return {allowed, tostring(tokens)}
    """

    def __init__(self, url, kind, rate, burst):
        import redis

        self.rate, self.burst, self.prefix = rate, burst, f"sla:limit:{kind}:"
        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)
        self.script = self.client.register_script(self.SCRIPT)
        self.local = TokenBucket(rate, burst)

    def _ask(self, key, spend):
        """(allowed, tokens left) from Redis, or None when it does not answer."""
        import redis

        try:
            allowed, tokens = self.script(keys=[self.prefix + str(key)], args=[self.rate,
                                          self.burst, spend])  # fmt: skip
        except redis.RedisError:
            current_app.logger.warning("rate limits: Redis did not answer; limiting locally")
            return None
        return bool(allowed), float(tokens)

    def allow(self, key):
        answer = self._ask(key, 1)
        return self.local.allow(key) if answer is None else answer[0]

    def has_token(self, key):
        answer = self._ask(key, 0)
        return self.local.has_token(key) if answer is None else answer[0]

    def retry_after(self, key):
        answer = self._ask(key, 0)
        if answer is None:
            return self.local.retry_after(key)
        return max(0.0, (1 - answer[1]) / self.rate)


# Kinds kept per client address or person: shared by every process when there are several.
# Commands are per socket (a socket lives on one process), or per person over HTTP.
SHARED_KINDS = ("join", "lookup", "connect_address", "connect_member")


def connect_allowed(kind, key):
    """Socket connects per client address ("connect_address") and per person
    ("connect_member")."""
    return current_app.extensions["sla_limits"][kind].allow(key)


def command_bucket_allows(sid):
    return current_app.extensions["sla_limits"]["command"].allow(sid)


def command_retry_after(sid):
    """Whole seconds (at least 1) a refused command should wait: the ack's `retry_after` and
    the API's Retry-After header, so a script can pace itself instead of guessing."""
    return max(1, math.ceil(current_app.extensions["sla_limits"]["command"].retry_after(sid)))


def client_allows(kind):
    """Joins and code look-ups per client address."""
    return current_app.extensions["sla_limits"][kind].allow(request.remote_addr or "?")


TOO_MANY_ATTEMPTS = N_("Too many attempts: wait a minute.")


def limit_code_guesses():
    """Any route with a join code: an unknown code costs the client address a "lookup", and
    once its bucket is empty every code is refused, known or not, so the answers no longer
    tell a hit from a miss. People signed in to that workshop are never slowed down."""
    if (request.view_args or {}).get("code") is None:
        return None
    workshop, member = identity()
    lookups = current_app.extensions["sla_limits"]["lookup"]
    address = request.remote_addr or "?"
    if workshop is None:
        allowed = lookups.allow(address)
    else:
        if member_of(workshop, member) is not None:
            return None
        allowed = lookups.has_token(address)
    return None if allowed else refusal(TOO_MANY_ATTEMPTS, "rate_limited", 429)


def too_large(_exc):
    return refusal(N_("The request is too large."), "invalid", 413)


def csrf_token():
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(24)
    return session["csrf"]


# Endpoints that take a file larger than the 64 KB every other body is held to.
LARGE_UPLOADS = {"exports.verify_upload": 25 * 1024 * 1024}


def check_csrf():
    """Form posts carry the session's CSRF token; JSON API calls are not forms."""
    if request.endpoint in LARGE_UPLOADS:
        request.max_content_length = LARGE_UPLOADS[request.endpoint]
    # Every post outside the JSON API is a page's form: a body-less one needs the token too.
    if request.method == "POST" and (
        request.mimetype in ("application/x-www-form-urlencoded", "multipart/form-data")
        or not request.path.startswith("/api/")
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


class SessionCookies(SecureCookieSessionInterface):
    """Flask's session cookie, marked Secure whenever the request came over https."""

    def get_cookie_secure(self, app):
        return super().get_cookie_secure(app) or request.is_secure


def init_app(app):
    # A test or an instance config may set some kinds only: the others keep their default.
    rates = {**RATE_LIMIT_DEFAULTS, **app.config["RATE_LIMITS"]}
    queue = app.config.get("MESSAGE_QUEUE")
    app.extensions["sla_limits"] = {
        kind: SharedTokenBucket(queue, kind, *rate) if queue and kind in SHARED_KINDS
        else TokenBucket(*rate)
        for kind, rate in rates.items()
    }  # fmt: skip
    app.session_interface = SessionCookies()
    app.before_request(check_csrf)
    app.before_request(limit_code_guesses)
    app.after_request(secure_headers)
    app.register_error_handler(RequestEntityTooLarge, too_large)


def trust_proxy(app):
    """Behind one reverse proxy (TRUST_PROXY=1): its X-Forwarded-For/-Proto/-Host are the
    client's address (for rate limits), https (for Secure cookies) and host. Wraps everything,
    Socket.IO included, so it is applied last."""
    if app.config.get("TRUST_PROXY"):
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)
