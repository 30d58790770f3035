"""English and Dutch: the workshop's language by default, each person can switch.

Messages are msgids marked with N_() where they arise (pure code included) and translated
here, in the language of the person who reads them."""

from datetime import datetime
from zoneinfo import ZoneInfo

from babel import dates as babel_dates
from flask import g, request
from flask_babel import Babel, force_locale, get_locale, gettext

LANGUAGES = ("en", "nl")
DEFAULT_TIME_ZONE = "Europe/Amsterdam"  # a workshop's, unless its facilitator chose another


def moment(iso, time_zone, language=None):
    """A stored UTC moment (a signature, an escalation) to the minute, in the workshop's time
    zone and the reader's language (the request's unless given): "28 Nov 2026, 14:05". The
    pages after sign-off all write moments so; the document has its own (document/format)."""
    if not iso:
        return ""
    return babel_dates.format_datetime(
        datetime.fromisoformat(iso), "d MMM y, HH:mm",
        tzinfo=ZoneInfo(time_zone or DEFAULT_TIME_ZONE), locale=language or str(get_locale()),
    )  # fmt: skip


def N_(message):
    """Marks a message for translation; it is translated in the recipient's language later."""
    return message


# Payload field names as people read them in error messages.
FIELD_LABELS = {
    "title": N_("Title"),
    "facilitator_name": N_("Your name"),
    "organisation": N_("Organisation"),
    "language": N_("Language"),
    "name": N_("Name"),
    "department": N_("Department"),
    "text": N_("Text"),
    "details": N_("Details"),
    "section": N_("Section"),
    "field": N_("Field"),
    "value": N_("Value"),
    "reason": N_("Reason"),
    "seconds": N_("Seconds"),
    "stage": N_("Stage"),
    "choice": N_("Choice"),
    "job_title": N_("Job title"),
    "time_zone": N_("Time zone"),
}


def field_label(name):
    return FIELD_LABELS.get(name, name)


def translate(message, params, language):
    """An untranslated msgid with params, in the given language; a field name in the
    `name` param is shown as its translated label."""
    with force_locale(language):
        text = gettext(message)
        if not params:
            return text
        params = {k: gettext(field_label(v)) if k == "name" else v for k, v in params.items()}
    return text % params


def select_locale():
    """A view that knows the person sets g.language; otherwise the `lang` cookie or the browser."""
    language = getattr(g, "language", None)
    if language in LANGUAGES:
        return language
    chosen = request.cookies.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return request.accept_languages.best_match(LANGUAGES) or "en"


def init_app(app):
    Babel(app, locale_selector=select_locale)
