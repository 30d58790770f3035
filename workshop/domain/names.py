"""People's names: one clean form, and no two people in a workshop who look alike. Pure.

A name is NFKC-normalised with its spaces collapsed; it must hold a letter or digit and no
control, format, invisible or bidi character (zero-width ones included), so what people
see is what was typed. Two names clash when their confusable skeletons match (UTS #39,
from Unicode's confusables.txt as the `confusable-homoglyphs` package ships it), compared
without regard to case: "Alice", "ALICE", "Аlice" (Cyrillic А) and "AIice" all clash.
"""

import unicodedata
from functools import lru_cache

from confusable_homoglyphs.confusables import confusables_data

from .characters import BIDI_CONTROLS, is_invisible, text_allowed


def normalise_name(name):
    """NFKC, then runs of white space as one space, trimmed."""
    return " ".join(unicodedata.normalize("NFKC", name).split())


def clean_name(raw):
    """(name, problem): the name normalised, and None if it may be used, else why not:
    "characters" (a control, non-character, format, invisible or bidi character; checked
    before white space is collapsed, so a newline is refused, not turned into a space) or
    "letters" (no letter or digit at all)."""
    name = unicodedata.normalize("NFKC", raw).strip()
    if not text_allowed(name) or any(is_invisible(c) or c in BIDI_CONTROLS for c in name):
        return name, "characters"
    name = " ".join(name.split())
    if not any(unicodedata.category(c)[0] in "LN" for c in name):
        return name, "letters"
    return name, None


def _prototypes():
    """{character: prototype} from confusables.txt. The package stores each line both ways
    (source -> prototype and back); a source has exactly one entry, its prototype. A pair
    whose direction is not recorded maps both ways to the smaller character."""
    graph = {}
    for char, entries in confusables_data.items():
        # Right-to-left characters are stored wrapped in U+200E marks.
        key = char.replace("\u200e", "").replace("\u200f", "")
        graph.setdefault(key, []).extend(
            e["c"].replace("\u200e", "").replace("\u200f", "") for e in entries
        )
    prototypes = {}
    for char, others in graph.items():
        if len(char) != 1 or len(others) != 1:
            continue
        other = others[0]
        if len(other) == 1 and graph.get(other) == [char]:
            prototypes[char] = min(char, other)
        else:
            prototypes[char] = other
    return prototypes


PROTOTYPES = _prototypes()


def skeleton(text):
    """UTS #39 skeleton: NFD, ignorables dropped, each character as its prototype, NFD."""
    text = unicodedata.normalize("NFD", text)
    mapped = "".join(PROTOTYPES.get(c, c) for c in text if not is_invisible(c))
    return unicodedata.normalize("NFD", mapped)


@lru_cache(maxsize=1024)
def name_keys(name):
    """What a name looks like, case aside: two names clash when their keys meet."""
    name = normalise_name(name)
    return frozenset(
        skeleton(form).casefold() for form in (name, name.casefold(), name.upper())
    )


def clashes(name, others):
    """Whether name duplicates or looks like any of others (case-insensitive)."""
    keys = name_keys(name)
    return any(keys & name_keys(other) for other in others)
