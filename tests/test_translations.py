"""Every user-facing string exists in English and Dutch."""

import re
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def dutch_catalog():
    with open(ROOT / "workshop/translations/nl/LC_MESSAGES/messages.po", "rb") as po:
        return read_po(po)


def source_messages():
    method_map = [("workshop/**.py", "python"), ("templates/**.html", "jinja2")]
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(ROOT),
        method_map,
        keywords={"_": None, "gettext": None, "N_": None, "_l": None, "ngettext": (1, 2)},
    ):
        found.add(message)
    return found


def test_every_source_string_has_a_dutch_translation():
    catalog = dutch_catalog()
    translated = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    missing = sorted(m for m in source_messages() if m not in translated)
    assert not missing, f"run `make extract-translations` and translate: {missing[:10]}"


def test_dutch_keeps_every_placeholder():
    for message in dutch_catalog():
        if message.id and message.string:
            # Plural entries (ngettext) hold (singular, plural) and a form per number.
            ids = message.id if isinstance(message.id, tuple) else (message.id,)
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                assert sorted(PLACEHOLDER.findall(ids[-1])) == sorted(
                    PLACEHOLDER.findall(text)), message.id
