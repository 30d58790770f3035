"""Payload checks for the single command path. Pure: messages are marked, translated at the edge."""

import datetime
import math
import unicodedata

from .domain.characters import text_allowed
from .domain.names import clean_name
from .i18n import N_


def shown(key):
    """A client-chosen key as it may appear in an error message: short, printable, encodable."""
    key = "".join(c if c.isprintable() else "\ufffd" for c in str(key)[:40])
    return key.encode("utf-8", "replace").decode("utf-8")


class Invalid(Exception):
    """A payload failed a check. message is an untranslated msgid with %(name)s params."""

    def __init__(self, message, **params):
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params


class Spec:
    optional = False

    def __call__(self, value, name):
        raise NotImplementedError


class Text(Spec):
    """Text without control characters, non-characters or open bidi controls
    (domain/characters.py); multiline: newlines and tabs allowed (paragraphs, proposals)."""

    def __init__(self, max_len=200, min_len=1, optional=False, multiline=False):
        self.max_len, self.min_len, self.optional = max_len, min_len, optional
        self.multiline = multiline

    def clean(self, value):
        value = value.strip()
        return value.replace("\r\n", "\n") if self.multiline else value

    def __call__(self, value, name):
        if not isinstance(value, str):
            raise Invalid(N_("%(name)s must be text."), name=name)
        value = self.clean(value)
        if not text_allowed(value, self.multiline):
            raise Invalid(N_("%(name)s contains characters that are not allowed."), name=name)
        if len(value) < self.min_len:
            raise Invalid(N_("%(name)s must not be empty."), name=name)
        if len(value) > self.max_len:
            raise Invalid(
                N_("%(name)s is too long (at most %(max)s characters)."),
                name=name,
                max=self.max_len,
            )
        return value


class PersonName(Text):
    """A person's name, NFKC-normalised: letters or digits, nothing invisible or bidi
    (domain/names.py). Whether it clashes with someone else's is checked with the database."""

    def __init__(self, max_len=80):
        super().__init__(max_len=max_len)

    def clean(self, value):
        return unicodedata.normalize("NFKC", value).strip()

    def __call__(self, value, name):
        value, problem = clean_name(super().__call__(value, name))
        if problem == "characters":
            raise Invalid(
                N_("%(name)s may not contain invisible characters or direction marks."), name=name
            )
        if problem == "letters":
            raise Invalid(N_("%(name)s must contain letters."), name=name)
        return value


class Int(Spec):
    def __init__(self, low=0, high=1_000_000, optional=False):
        self.low, self.high, self.optional = low, high, optional

    def __call__(self, value, name):
        if isinstance(value, bool) or not isinstance(value, int):
            raise Invalid(N_("%(name)s must be a whole number."), name=name)
        if not self.low <= value <= self.high:
            raise Invalid(
                N_("%(name)s must be between %(low)s and %(high)s."),
                name=name,
                low=self.low,
                high=self.high,
            )
        return value


class Number(Spec):
    def __init__(self, low=0, high=1e12, optional=False):
        self.low, self.high, self.optional = low, high, optional

    def __call__(self, value, name):
        # Only floats go through isfinite: float() of a huge int would overflow.
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or (isinstance(value, float) and not math.isfinite(value))
        ):
            raise Invalid(N_("%(name)s must be a number."), name=name)
        if not self.low <= value <= self.high:
            raise Invalid(
                N_("%(name)s must be between %(low)s and %(high)s."),
                name=name,
                low=self.low,
                high=f"{self.high:g}",
            )
        return value


class Bool(Spec):
    def __init__(self, optional=False):
        self.optional = optional

    def __call__(self, value, name):
        if not isinstance(value, bool):
            raise Invalid(N_("%(name)s must be true or false."), name=name)
        return value


class OneOf(Spec):
    def __init__(self, values, optional=False):
        self.values, self.optional = tuple(values), optional

    def __call__(self, value, name):
        if not isinstance(value, str) or value not in self.values:
            raise Invalid(
                N_("%(name)s must be one of: %(values)s."), name=name, values=", ".join(self.values)
            )
        return value


class Date(Spec):
    """A calendar date as YYYY-MM-DD; "" clears it."""

    def __init__(self, optional=False):
        self.optional = optional

    def __call__(self, value, name):
        if value == "":
            return value
        try:
            if not isinstance(value, str) or len(value) != 10:
                raise ValueError
            datetime.date.fromisoformat(value)
        except ValueError:
            raise Invalid(N_("%(name)s must be a date like 2027-01-31."), name=name) from None
        return value


class TimeZone(Spec):
    """An IANA time zone name such as Europe/Amsterdam."""

    def __init__(self, names, optional=False):
        self.names, self.optional = frozenset(names), optional

    def __call__(self, value, name):
        if not isinstance(value, str) or value not in self.names:
            raise Invalid(N_("%(name)s must be a time zone like Europe/Amsterdam."), name=name)
        return value


class Id(Int):
    def __init__(self, optional=False):
        super().__init__(low=1, high=2**62, optional=optional)


def kind_spec(kind, max_len=1000):
    """The spec for a kind named in domain.sections."""
    if isinstance(kind, tuple):
        return OneOf(kind)
    return {
        "text": Text(max_len=max_len, min_len=0, multiline=True),
        "int": Int(low=0, high=1_000_000),
        "percent": Number(low=0, high=100),
        "number": Number(low=0, high=1e12),
        "date": Date(),
    }[kind]


def check_mapping(value, allowed, name, max_len=1000):
    """A dict whose keys are all in allowed ({key: kind}) and whose values fit their kind."""
    if not isinstance(value, dict):
        raise Invalid(N_("%(name)s must be an object."), name=name)
    cleaned = {}
    for key, item in value.items():
        if key not in allowed:
            raise Invalid(
                N_("%(name)s has an unknown field: %(field)s."), name=name, field=shown(key)
            )
        if item is None:
            continue
        cleaned[key] = kind_spec(allowed[key], max_len)(item, key)
    return cleaned


def check_payload(payload, specs):
    """Checks every argument of a command; refuses unknown keys. Returns the cleaned arguments."""
    unknown = set(payload) - set(specs) - {"type"}
    if unknown:
        raise Invalid(N_("Unknown field: %(field)s."), field=shown(sorted(unknown)[0]))
    cleaned = {}
    for name, spec in specs.items():
        if name not in payload or payload[name] is None:
            if spec.optional:
                continue
            raise Invalid(N_("%(name)s is required."), name=name)
        cleaned[name] = spec(payload[name], name)
    return cleaned
