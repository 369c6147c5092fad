"""What a new password must be: 8 to 128 characters, not the phone number, not common."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from resolvers.errors import BadUserInput

MIN_LENGTH = 8
MAX_LENGTH = 128  # argon2 accepts more, but a cap keeps hashing cost bounded
_COMMON_PASSWORDS_FILE = Path(__file__).with_name("common_passwords.txt")


@cache
def _common_passwords() -> frozenset[str]:
    lines = _COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line.strip().lower() for line in lines if line.strip())


def check_new_password(password: str, phone: str, named: str = "your phone number") -> None:
    """`phone`: the digits the password must not contain (a phone number, or a home
    contract's number, `named` so in the refusal)."""
    if len(password) < MIN_LENGTH:
        raise BadUserInput(
            f"The password needs at least {MIN_LENGTH} characters.", field="password"
        )
    if len(password) > MAX_LENGTH:
        raise BadUserInput(
            f"The password may have at most {MAX_LENGTH} characters.", field="password"
        )
    # The last ten digits are the number without country code: "8999...", "+7999...",
    # "anna9990000001" all contain them.
    digits = "".join(ch for ch in password if ch.isdigit())
    if phone[-10:] in digits:
        raise BadUserInput(f"The password must not be {named}.", field="password")
    if password.lower() in _common_passwords():
        raise BadUserInput("This password is too common. Choose another.", field="password")
