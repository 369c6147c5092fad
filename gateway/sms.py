"""SMS delivery adapters behind resolvers.services.SmsSender, chosen by SMS_BACKEND."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from resolvers.services import SmsDeliveryError, SmsSender

log = logging.getLogger("kabinet.sms")


class FileSmsSender:
    """Dev and demo backend: one JSON line a message, appended to the outbox file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = asyncio.Lock()

    async def send(self, to: str, text: str) -> None:
        line = json.dumps(
            {"to": to, "text": text, "at": datetime.now(UTC).isoformat()}, ensure_ascii=False
        )
        async with self._lock:
            await asyncio.to_thread(self._append, line)

    def _append(self, line: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as outbox:
            outbox.write(line + "\n")


class HttpSmsSender:
    """POSTs `{"to", "text"}` as JSON to the provider; retries what may succeed on retry
    (connection errors, timeouts, 5xx, 429) a bounded number of times."""

    def __init__(
        self,
        url: str,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff_seconds: float = 0.2,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self.url = url
        self.attempts = attempts
        self.backoff_seconds = backoff_seconds
        self.client = client or httpx.AsyncClient(timeout=timeout)
        self._host = urlsplit(url).netloc

    async def send(self, to: str, text: str) -> None:
        problem = ""
        for attempt in range(1, self.attempts + 1):
            try:
                response = await self.client.post(self.url, json={"to": to, "text": text})
            except httpx.HTTPError as exc:
                problem = f"{type(exc).__name__}"
            else:
                if response.is_success:
                    return
                problem = f"HTTP {response.status_code}"
                if response.status_code < 500 and response.status_code != 429:
                    break  # the provider refused this message: retrying will not help
            if attempt < self.attempts:
                await asyncio.sleep(self.backoff_seconds * 2 ** (attempt - 1))
        # The message text may hold a code: name the provider and the problem, not the text.
        raise SmsDeliveryError(
            f"SMS provider {self._host} did not accept the message ({problem}) "
            f"after {attempt} attempt(s)"
        )

    async def close(self) -> None:
        await self.client.aclose()


def build_sms_sender(
    backend: str, outbox_path: Path, http_url: str | None, timeout: float
) -> SmsSender:
    if backend == "http":
        assert http_url, "validated by load_settings"
        return HttpSmsSender(http_url, timeout=timeout)
    return FileSmsSender(outbox_path)
