"""Tracking codes (the bearer code behind the short link /t/<code>/) and the offline
challenge that guards the form for people without an account."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from django.core import signing
from django.core.cache import cache

# No 0/O, 1/I/L: the code is read aloud, copied from an SMS and typed by older residents.
ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10  # 31**10 ≈ 2**49.5: with the per-IP limit on misses, not guessable
_CHALLENGE_SALT = "jiaoliuba.appeals.guest-challenge"


def new_code() -> str:
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def normalize(code: str) -> str:
    """What a person typed, as stored: upper case, without spaces or dashes."""
    cleaned = "".join(ch for ch in (code or "").upper() if ch not in " -\t")
    if len(cleaned) != CODE_LENGTH or any(ch not in ALPHABET for ch in cleaned):
        return ""
    return cleaned


@dataclass(frozen=True)
class Challenge:
    question_a: int
    question_b: int
    token: str


def challenge_new() -> Challenge:
    """A small sum, asked in words on the page; the answer travels signed, with a nonce
    so that one solved form cannot be replayed."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"s": a + b, "n": secrets.token_hex(8)}, salt=_CHALLENGE_SALT)
    return Challenge(question_a=a, question_b=b, token=token)


def challenge_passed(*, token: str, answer: str, max_age: int) -> bool:
    try:
        data = signing.loads(token or "", salt=_CHALLENGE_SALT, max_age=max_age)
    except signing.BadSignature:  # also SignatureExpired
        return False
    try:
        given = int(str(answer or "").strip())
    except ValueError:
        return False
    if given != data.get("s"):
        return False
    # Each solved challenge is good for one submission only.
    return bool(cache.add(f"challenge:{data.get('n')}", 1, timeout=max_age))
