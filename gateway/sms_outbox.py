"""Reading the file SMS backend's outbox (`kabinet sms last PHONE`): the demo's way to see
a sign-in code, without picking the right line out of everyone's messages by hand."""

from __future__ import annotations

import json
from pathlib import Path


def last_message_to(outbox: Path, phone: str) -> dict[str, str] | None:
    """The newest message to `phone` (already normalised), or None."""
    if not outbox.is_file():
        return None
    found: dict[str, str] | None = None
    with outbox.open(encoding="utf-8") as lines:
        for line in lines:
            try:
                message = json.loads(line)
            except ValueError:
                continue  # a line cut short by a crash: not a message
            if isinstance(message, dict) and message.get("to") == phone:
                found = message
    return found
