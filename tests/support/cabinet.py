"""Driving the web cabinet in tests: a browser context per person, sign-in with the code
read from the SMS outbox, screenshots at desktop and phone widths, and a guard that the page
asks nothing of any server but its own."""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from playwright.async_api import expect

# Waits are for what the page shows; the machine running the tests may be busy.
WAIT_MS = 30_000
expect.set_options(timeout=WAIT_MS)
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The demo family (resolvers/demo): who signs in, and whose numbers they reach.
ANNA, MASHA, VANYA, TABLET, OLGA, PETR = (
    "+79990000001",
    "+79990000002",
    "+79990000003",
    "+79990000004",
    "+79990000005",
    "+79990000009",
)
ANNA_PASSWORD = "demo-password-1"


def rubles(text: str) -> Decimal:
    """ "1 234,50 ₽" (ru-RU, with no-break spaces) -> Decimal("1234.50")."""
    return Decimal(re.sub(r"[^\d,-]", "", text).replace(",", "."))


def shown_as_rubles(amount: Decimal) -> re.Pattern[str]:
    """What the page shows for `amount`, whichever spaces group the thousands."""
    whole, cents = f"{amount:,.2f}".split(".")
    return re.compile(r"^" + r"\s".join(whole.split(",")) + rf",{cents}\s₽$")


@dataclass
class Cabinet:
    base_url: str
    sms_outbox: Path
    screenshots: Path
    elsewhere: list[str] = field(default_factory=list)  # requests to any other origin
    refused_by_policy: list[str] = field(default_factory=list)  # Content-Security-Policy

    def sms_count(self, phone: str) -> int:
        return len(self._messages(phone))

    def _messages(self, phone: str) -> list[dict[str, Any]]:
        if not self.sms_outbox.exists():
            return []
        lines = self.sms_outbox.read_text(encoding="utf-8").splitlines()
        return [message for message in map(json.loads, lines) if message["to"] == phone]

    async def code_after(self, phone: str, seen: int, within: float = 30) -> str:
        """The code in the first SMS to `phone` after the `seen` ones that has one: SMS are
        delivered in the background, and notices (a grant given) come by SMS too."""
        async with asyncio.timeout(within):
            while True:
                for message in self._messages(phone)[seen:]:
                    if match := re.search(r"\b(\d{6})\b", message["text"]):
                        return match.group(1)
                await asyncio.sleep(0.1)

    async def person(self, browser: Any, viewport: dict[str, int] = DESKTOP) -> Any:
        """A new browser context (its own tab storage: a person of their own), in Russian,
        whose requests to anywhere but the gateway are refused and recorded."""
        context = await browser.new_context(
            viewport=viewport, locale="ru-RU", timezone_id="Europe/Moscow", accept_downloads=True
        )
        context.set_default_timeout(WAIT_MS)

        async def only_the_gateway(route: Any) -> None:
            if route.request.url.startswith(self.base_url):
                await route.continue_()
            else:
                self.elsewhere.append(route.request.url)
                await route.abort()

        await context.route("**/*", only_the_gateway)
        page = await context.new_page()
        page.on("console", self._note_policy_refusal)
        return page

    def _note_policy_refusal(self, message: Any) -> None:
        # Chromium reports what the Content-Security-Policy blocked on the console.
        if "Content Security Policy" in message.text:
            self.refused_by_policy.append(message.text)

    async def sign_in_by_code(self, page: Any, phone: str) -> None:
        seen = self.sms_count(phone)
        await page.goto(f"{self.base_url}/")
        await page.get_by_label("Номер телефона").fill(phone)
        await page.get_by_role("button", name="Получить код").click()
        await page.get_by_role("heading", name="Код из SMS").wait_for()
        await page.get_by_label("Код", exact=True).fill(await self.code_after(phone, seen))
        await page.get_by_role("button", name="Войти", exact=True).click()
        await page.get_by_role("heading", name="Мои номера").wait_for()

    async def sign_in_by_password(self, page: Any, phone: str, password: str) -> None:
        await page.goto(f"{self.base_url}/")
        await page.get_by_label("Номер телефона").fill(phone)
        await page.get_by_label("По паролю").check()
        await page.get_by_label("Пароль").fill(password)
        await page.get_by_role("button", name="Войти", exact=True).click()
        await page.get_by_role("heading", name="Мои номера").wait_for()

    async def open_number(self, page: Any, msisdn: str) -> None:
        await page.goto(f"{self.base_url}/#/number/{msisdn.replace('+', '%2B')}")
        await page.get_by_role("link", name="← Все номера").wait_for()

    async def open_contract(self, page: Any, contract_number: str) -> None:
        await page.goto(f"{self.base_url}/#/contract/{contract_number}")
        await page.get_by_role("link", name="← Все номера").wait_for()

    async def unlabelled_controls(self, page: Any) -> list[str]:
        """Form controls a screen reader could not name (no label, no aria-label)."""
        return await page.evaluate(
            """() => [...document.querySelectorAll("input, select, textarea, button")]
                .filter((control) => !control.closest("[hidden]"))
                .filter((control) => !(control.labels?.length || control.getAttribute("aria-label")
                    || (control.tagName === "BUTTON" && control.textContent.trim())))
                .map((control) => control.outerHTML)"""
        )

    async def screenshot(self, page: Any, name: str) -> None:
        """`<name>-desktop.png` and `<name>-phone.png` of the whole page."""
        self.screenshots.mkdir(parents=True, exist_ok=True)
        size = page.viewport_size
        for label, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
            await page.set_viewport_size(viewport)
            await page.screenshot(path=self.screenshots / f"{name}-{label}.png", full_page=True)
        await page.set_viewport_size(size)
