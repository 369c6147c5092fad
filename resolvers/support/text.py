"""What a ticket's text may be: 1 to MAX_TEXT characters once trimmed, no control
characters but line breaks and tabs. Kept exactly as written otherwise: markup is text
(`<b>` stays `<b>`), for every client to show as text."""

from __future__ import annotations

import re

from resolvers.errors import BadUserInput

MAX_TEXT = 4000
# C0 and C1 controls and DEL, except tab, line feed and carriage return. (NUL and lone
# surrogates are refused for every string before any resolver: schema/text.py.)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def ticket_text(text: str, field: str = "text") -> str:
    """The text to store, or BAD_USER_INPUT saying what is wrong with it."""
    trimmed = text.strip()
    if not trimmed:
        raise BadUserInput("Write what happened: the text is empty.", field=field)
    if len(trimmed) > MAX_TEXT:
        raise BadUserInput(
            f"The text is {len(trimmed)} characters long: at most {MAX_TEXT}.",
            field=field,
            maxLength=MAX_TEXT,
        )
    if _CONTROL.search(trimmed):
        raise BadUserInput(
            "The text must not contain control characters (line breaks and tabs are fine).",
            field=field,
        )
    return trimmed
