"""The outgoing webhook: one URL per workshop (a Teams or Slack incoming webhook, say) that
hears about escalations.

Messages go into `webhook_outbox` in the same transaction as the event they announce; a
background task delivers them with retries, so a command never waits on someone else's
server and a crash loses nothing. Only http(s) URLs; a host that resolves to a private,
loopback or link-local address is refused unless WEBHOOK_ALLOW_PRIVATE is set, and the
connection goes to the address that was checked (no DNS rebinding in between). Redirects
are not followed.
"""

import http.client
import ipaddress
import json
import os
import socket
import ssl
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

from .i18n import N_, translate
from .store import now_iso

TIMEOUT = 5  # seconds per attempt
# Seconds before the next attempt after each failure; then the message is given up.
BACKOFF = (10, 30, 120, 600, 3600)
MAX_URL = 2000


class WebhookError(Exception):
    """A URL that may not be used, or a delivery that failed; message is a msgid."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message, self.params = message, params


def allow_private():
    return os.environ.get("WEBHOOK_ALLOW_PRIVATE", "").lower() in ("1", "true", "yes")


def check_url(url, private_ok=None):
    """Refuses a URL that is not a plain http(s) address of a public host (as far as the
    text shows; the resolved address is checked again when sending)."""
    private_ok = allow_private() if private_ok is None else private_ok
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise WebhookError(N_("That is not a web address.")) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise WebhookError(N_("The webhook must be an http:// or https:// address."))
    if parts.username or parts.password:
        raise WebhookError(N_("The webhook address may not contain a user name or password."))
    if port == 0:
        raise WebhookError(N_("That is not a web address."))
    host = parts.hostname
    if not private_ok and (host == "localhost" or host.endswith(".localhost")):
        raise WebhookError(N_("The webhook may not point to this server or a private network."))
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return
    if not private_ok and not public(address):
        raise WebhookError(N_("The webhook may not point to this server or a private network."))


def public(address):
    return address.is_global and not address.is_multicast


def resolve(host, port, private_ok):
    """The first address `host` resolves to, after checking every one of them."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as exc:
        raise WebhookError(N_("The webhook's host could not be found.")) from exc
    addresses = [ipaddress.ip_address(info[4][0].split("%")[0]) for info in infos]
    if not private_ok and not all(public(a) for a in addresses):
        raise WebhookError(N_("The webhook may not point to this server or a private network."))
    return str(addresses[0])


class _PinnedHTTPS(http.client.HTTPSConnection):
    """HTTPS to an address already checked, with the certificate checked for the host name."""

    def __init__(self, host, port, address, **kwargs):
        super().__init__(host, port, context=ssl.create_default_context(), **kwargs)
        self.address = address

    def connect(self):
        sock = socket.create_connection((self.address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)


def post(url, body, private_ok=None):
    """POSTs JSON bytes to url; returns the HTTP status. Raises WebhookError."""
    private_ok = allow_private() if private_ok is None else private_ok
    check_url(url, private_ok)
    parts = urlsplit(url)
    https = parts.scheme == "https"
    port = parts.port or (443 if https else 80)
    address = resolve(parts.hostname, port, private_ok)
    if https:
        conn = _PinnedHTTPS(parts.hostname, port, address, timeout=TIMEOUT)
    else:
        conn = http.client.HTTPConnection(address, port, timeout=TIMEOUT)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    headers = {
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "Content-Type": "application/json",
        "User-Agent": "sla-workshop-webhook/1",
    }
    try:
        conn.request("POST", path, body=body, headers=headers)
        status = conn.getresponse().status
    except (OSError, http.client.HTTPException) as exc:
        raise WebhookError(N_("The webhook could not be reached.")) from exc
    finally:
        conn.close()
    if not 200 <= status < 300:
        raise WebhookError(N_("The webhook answered with HTTP %(status)s."), status=status)
    return status


def error_text(last_error, language):
    """A stored delivery error (msgid and params, as JSON) in the reader's language."""
    try:
        message, params = json.loads(last_error)
    except (TypeError, ValueError):
        return ""
    return translate(message, params, language)


def url_of(db, workshop_id):
    rows = list(db.query("SELECT url FROM webhooks WHERE workshop_id = ?", [workshop_id]))
    return rows[0]["url"] if rows else None


def enqueue(db, workshop_id, message):
    """Queues a message for the workshop's webhook, in the caller's transaction; nothing
    when no webhook is set. message: a JSON-able dict with a `text` for chat tools."""
    url = url_of(db, workshop_id)
    if url is None:
        return
    db.execute(
        "INSERT INTO webhook_outbox (workshop_id, url, body, next_attempt_at) VALUES (?, ?, ?, ?)",
        [workshop_id, url, json.dumps(message, ensure_ascii=False), now_iso()],
    )


def deliver_due(db, now=None, send=post):
    """Tries every message whose time has come, once; returns how many were delivered.
    A failed message waits for its next attempt; after the last one it is given up."""
    now = now or datetime.now(UTC)
    due = list(
        db.query(
            "SELECT * FROM webhook_outbox WHERE delivered_at IS NULL AND failed_at IS NULL"
            " AND next_attempt_at <= ? ORDER BY id LIMIT 20",
            [now.isoformat(timespec="seconds")],
        )
    )
    delivered = 0
    for message in due:
        # Claim it first: another process running this loop skips it meanwhile.
        attempt = message["attempts"] + 1
        wait = BACKOFF[min(attempt, len(BACKOFF)) - 1]
        claim_until = (now + timedelta(seconds=wait)).isoformat(timespec="seconds")
        with db.atomic():
            claimed = db.execute(
                "UPDATE webhook_outbox SET attempts = ?, next_attempt_at = ?"
                " WHERE id = ? AND attempts = ?",
                [attempt, claim_until, message["id"], message["attempts"]],
            ).rowcount
        if not claimed:
            continue
        try:
            send(message["url"], message["body"].encode())
        except WebhookError as exc:
            failed = now_iso() if attempt >= len(BACKOFF) else None
            with db.atomic():
                db.execute(
                    "UPDATE webhook_outbox SET last_error = ?, failed_at = ? WHERE id = ?",
                    [json.dumps([exc.message, exc.params]), failed, message["id"]],
                )
            continue
        with db.atomic():
            db.execute(
                "UPDATE webhook_outbox SET delivered_at = ?, last_error = '' WHERE id = ?",
                [now_iso(), message["id"]],
            )
        delivered += 1
    return delivered
