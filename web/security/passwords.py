"""Password hashing with argon2id (argon2-cffi's maintained defaults, RFC 9106)."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_HASHER = PasswordHasher()
MIN_LENGTH = 8
# Verified when the user name is unknown, so a miss costs as much time as a hit
# and response times do not reveal which names exist.
_DUMMY_HASH = _HASHER.hash("not-a-real-password")


class WeakPasswordError(ValueError):
    """The password does not meet the minimum policy."""


def hash_password(password: str) -> str:
    """An argon2id hash of ``password`` after checking the minimal policy."""
    check_policy(password)
    return _HASHER.hash(password)


def check_policy(password: str) -> None:
    """Reject passwords too short to resist guessing (NIST 800-63B: length over rules)."""
    if len(password) < MIN_LENGTH:
        raise WeakPasswordError(f"password must have at least {MIN_LENGTH} characters")


def verify_password(stored_hash: str | None, password: str) -> bool:
    """True when ``password`` matches; constant work when there is no stored hash."""
    try:
        return _HASHER.verify(stored_hash or _DUMMY_HASH, password) and stored_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with older parameters than the current defaults."""
    return _HASHER.check_needs_rehash(stored_hash)
