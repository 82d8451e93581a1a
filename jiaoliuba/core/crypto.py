"""Field encryption (Fernet, with key rotation) and keyed hashes for look-ups."""

from __future__ import annotations

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@functools.cache
def _fernet(keys: str) -> MultiFernet:
    parts = [k.strip() for k in keys.split(",") if k.strip()]
    if not parts:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEY is not set")
    try:
        return MultiFernet([Fernet(k.encode()) for k in parts])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEY must be url-safe base64 of 32 bytes "
            "(python -c 'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())')"
        ) from exc


def encrypt(value: str) -> str:
    return _fernet(settings.FIELD_ENCRYPTION_KEY).encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field could not be decrypted: is FIELD_ENCRYPTION_KEY the key it was written with?"
        ) from exc


def rotate(token: str) -> str:
    """The same plain text under the first (current) key; a token already under it is
    re-encrypted too (Fernet tokens carry a timestamp), so callers ask `is_current` first."""
    try:
        return _fernet(settings.FIELD_ENCRYPTION_KEY).rotate(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "An encrypted field could not be decrypted with any FIELD_ENCRYPTION_KEY"
        ) from exc


def is_current(token: str) -> bool:
    """Whether the current key alone decrypts `token`, i.e. rotation has nothing to do."""
    try:
        _current(settings.FIELD_ENCRYPTION_KEY).decrypt(token.encode())
    except InvalidToken:
        return False
    return True


@functools.cache
def _current(keys: str) -> Fernet:
    _fernet(keys)  # the same checks and messages for a missing or malformed key
    return Fernet(keys.split(",")[0].strip().encode())


def lookup_hash(value: str, *, purpose: str) -> str:
    """Deterministic keyed hash: equal inputs give equal hashes, but without the key a
    hash cannot be reversed by trying every phone number."""
    if not settings.FIELD_HASH_KEY:
        raise ImproperlyConfigured("FIELD_HASH_KEY is not set")
    key = hmac.new(settings.FIELD_HASH_KEY.encode(), purpose.encode(), hashlib.sha256).digest()
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()
