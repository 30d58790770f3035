"""English and Dutch: the workshop's language by default, each person can switch."""

from flask import g, request
from flask_babel import Babel

LANGUAGES = ("en", "nl")


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
