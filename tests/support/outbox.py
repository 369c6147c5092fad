"""Reads the SMS the file backend wrote, as a person running the demo would."""

from __future__ import annotations

import json
import re
from pathlib import Path

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
