"""Join codes and secret tokens."""

import hashlib
import secrets

# No 0/O, 1/I/L, U/V: a code read aloud in a room or off a projector is typed right.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 10  # 29 ** 10 is about 2 ** 48.6: far beyond guessing at our rate limits


def new_join_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person typed (spaces, dashes, lower case) to the canonical code."""
    if not isinstance(raw, str):
        return ""
    return "".join(ch for ch in raw.upper() if ch.isalnum())


def is_well_formed(code: str) -> bool:
    return len(code) == CODE_LENGTH and all(ch in ALPHABET for ch in code)


def display_code(code: str) -> str:
    """Grouped for reading aloud: ABCDE-FGHJK."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    """Tokens are stored only as this hash: a leaked database signs nobody in."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
