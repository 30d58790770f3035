"""Which characters text may hold. Pure: used by validation.Text and the name rules.

Every text field refuses C0 and C1 controls (DEL included), Unicode non-characters, lone
surrogates and bidi embeddings, overrides or isolates left open (they would run past the
field's end in a plain-text view such as the Markdown download). Multi-line fields also
take newline and tab. Names are stricter (domain/names.py).
"""

import unicodedata

LINE_BREAKS = frozenset("\n\t")
# Bidi controls that open a run, and the ones that close it (U+202C PDF, U+2069 PDI).
OPEN_EMBEDDING = frozenset("\u202a\u202b\u202d\u202e")
OPEN_ISOLATE = frozenset("\u2066\u2067\u2068")
BIDI_CONTROLS = OPEN_EMBEDDING | OPEN_ISOLATE | frozenset("\u202c\u2069\u200e\u200f\u061c")

# Default_Ignorable_Code_Point (Unicode DerivedCoreProperties.txt): drawn as nothing.
DEFAULT_IGNORABLE = (
    (0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
    (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
    (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
)  # fmt: skip
# Not ignorable, but blank all the same.
BLANKS = frozenset("\u2800")


def is_control(char):
    """C0 (U+0000-001F), DEL and C1 (U+0080-009F)."""
    code = ord(char)
    return code < 0x20 or 0x7F <= code <= 0x9F


def is_noncharacter(char):
    """U+FDD0-FDEF and the last two code points of every plane (U+FFFE, U+FFFF, U+1FFFE...)."""
    code = ord(char)
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def is_surrogate(char):
    return 0xD800 <= ord(char) <= 0xDFFF


def is_invisible(char):
    """Drawn as nothing or as blank space: default ignorables, format characters, blanks."""
    code = ord(char)
    return (
        char in BLANKS
        or unicodedata.category(char) == "Cf"
        or any(low <= code <= high for low, high in DEFAULT_IGNORABLE)
    )


def bidi_balanced(text):
    """Every embedding or override is closed by a PDF, every isolate by a PDI, in order."""
    stack = []
    for char in text:
        if char in OPEN_EMBEDDING or char in OPEN_ISOLATE:
            stack.append(char in OPEN_ISOLATE)
        elif char == "\u202c":
            if not stack or stack.pop():
                return False
        elif char == "\u2069":
            # A PDI closes its isolate and any embeddings opened inside it.
            while stack and not stack[-1]:
                stack.pop()
            if not stack:
                return False
            stack.pop()
    return not stack


def text_allowed(text, multiline=False):
    """Whether text may be stored in a field: no controls (but newline and tab in multi-line
    fields), no non-characters or lone surrogates, bidi controls closed."""
    for char in text:
        if is_control(char) and not (multiline and char in LINE_BREAKS):
            return False
        if is_noncharacter(char) or is_surrogate(char):
            return False
        if not multiline and char in "\u2028\u2029":
            return False
    return bidi_balanced(text)
