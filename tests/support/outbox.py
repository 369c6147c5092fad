"""Reads the SMS and e-mails the file backends wrote, as a person running the demo would."""

from __future__ import annotations

import email.message
import json
import re
from pathlib import Path

from gateway.mail_outbox import read_letters, text_of
from resolvers.services import Services


async def sent_messages(services: Services, outbox: Path) -> list[dict[str, str]]:
    await services.background.drain()
    if not outbox.exists():
        return []
    return [json.loads(line) for line in outbox.read_text(encoding="utf-8").splitlines()]


async def last_code_sent_to(services: Services, outbox: Path, phone: str) -> str:
    messages = [m for m in await sent_messages(services, outbox) if m["to"] == phone]
    assert messages, f"no SMS was sent to {phone}"
    match = re.search(r"\b(\d{6})\b", messages[-1]["text"])
    assert match, messages[-1]["text"]
    return match.group(1)


def sent_emails(folder: Path, to: str | None = None) -> list[email.message.EmailMessage]:
    """The .eml files the file e-mail backend wrote, oldest first (to one address, if given)."""
    return [m for m in read_letters(folder) if to is None or m["To"] == to]


def body_of(letter: email.message.EmailMessage) -> str:
    return text_of(letter)
