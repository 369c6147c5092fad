"""Reading the file e-mail backend's folder (`kabinet mail last ADDRESS`): the demo's way to
see a notification or a confirmation code without a mail client."""

from __future__ import annotations

import email
import email.message
import email.policy
from pathlib import Path


def read_letters(folder: Path) -> list[email.message.EmailMessage]:
    """Every .eml file in the folder, oldest first (their names sort by the time written)."""
    if not folder.is_dir():
        return []
    return [
        email.message_from_bytes(path.read_bytes(), policy=email.policy.default)  # type: ignore[misc]
        for path in sorted(folder.glob("*.eml"))
    ]


def last_letter_to(folder: Path, address: str) -> email.message.EmailMessage | None:
    wanted = address.strip().lower()
    found = None
    for letter in read_letters(folder):
        if str(letter["To"]).strip().lower() == wanted:
            found = letter
    return found


def text_of(letter: email.message.EmailMessage) -> str:
    """The plain-text body (the only kind Kabinet writes)."""
    part = letter.get_body(("plain",))
    return part.get_content() if part is not None else ""  # type: ignore[union-attr]
