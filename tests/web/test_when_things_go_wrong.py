"""The web cabinet when the network, the server or the tokens let it down, and on a small
phone: in headless chromium, on the demo family (the same gateway as test_cabinet.py)."""

from __future__ import annotations

import asyncio
import json
import re
from typing import Any

from playwright.async_api import expect

from tests.support.cabinet import ANNA, ANNA_PASSWORD, Cabinet

SMALL_PHONE = {"width": 375, "height": 667}
EXPIRED = {
    "message": "The access token is invalid or has expired. Refresh or sign in.",
    "extensions": {"code": "UNAUTHENTICATED"},
}


def operations_sent(page: Any) -> list[tuple[str, str | None]]:
    """(operationName, Authorization) of every POST /graphql the page sends, as it sends it."""
    sent: list[tuple[str, str | None]] = []

    def note(request: Any) -> None:
        if request.method == "POST" and request.url.endswith("/graphql"):
            body = json.loads(request.post_data or "{}")
            sent.append((body.get("operationName"), request.headers.get("authorization")))

    page.on("request", note)
    return sent


async def until(condition: Any, within: float = 30) -> None:
    async with asyncio.timeout(within):
        while not condition():
            await asyncio.sleep(0.1)


async def test_a_request_refused_with_401_is_sent_again_once_with_a_refreshed_token(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    sent = operations_sent(page)
    refused: list[str] = []

    async def refuse_the_first_sessions_read(route: Any) -> None:
        # The server's answer to an access token its clock has expired and the page's not.
        if '"operationName":"CabinetSessions"' in (route.request.post_data or "") and not refused:
            refused.append(route.request.headers["authorization"])
            await route.fulfill(
                status=401,
                headers={"WWW-Authenticate": 'Bearer error="invalid_token"'},
                content_type="application/json",
                body=json.dumps({"errors": [EXPIRED]}),
            )
        else:
            await route.fallback()

    await page.route("**/graphql", refuse_the_first_sessions_read)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await page.get_by_role("link", name="Сеансы").click()
    await expect(page.get_by_text("Этот сеанс")).to_be_visible()
    reads = [token for name, token in sent if name == "CabinetSessions"]
    assert len(reads) == 2 and reads[0] == refused[0] and reads[1] != reads[0]
    assert [name for name, _ in sent].count("RefreshSession") == 1


async def test_a_session_ended_on_another_device_brings_the_page_back_to_sign_in(
    cabinet: Cabinet, browser
):
    laptop = await cabinet.person(browser)
    await cabinet.sign_in_by_password(laptop, ANNA, ANNA_PASSWORD)
    phone = await cabinet.person(browser, SMALL_PHONE)
    await cabinet.sign_in_by_password(phone, ANNA, ANNA_PASSWORD)
    await phone.get_by_role("link", name="Сеансы").click()
    await phone.get_by_role("button", name="Выйти на всех устройствах").click()
    await phone.get_by_role("heading", name="Вход в личный кабинет").wait_for()

    # The laptop's tokens are dead on the server: 401, then the refresh refused too.
    await laptop.get_by_role("link", name="Доступ").click()
    await laptop.get_by_role("heading", name="Вход в личный кабинет").wait_for()
    assert await laptop.evaluate("sessionStorage.length") == 0
    await expect(laptop.get_by_role("navigation")).to_be_hidden()


async def test_without_network_the_page_says_so_and_works_again_once_it_is_back(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    await page.goto(f"{cabinet.base_url}/")
    await page.context.set_offline(True)  # before the page has read its documents
    await page.get_by_label("Номер телефона").fill(ANNA)
    await page.get_by_label("По паролю").check()
    await page.get_by_label("Пароль").fill(ANNA_PASSWORD)
    await page.get_by_role("button", name="Войти", exact=True).click()
    await expect(page.get_by_role("alert")).to_contain_text("Нет связи с сервером")
    await page.context.set_offline(False)
    await page.get_by_role("button", name="Войти", exact=True).click()
    await page.get_by_role("heading", name="Мои номера").wait_for()

    await page.context.set_offline(True)
    await page.get_by_role("link", name="Сеансы").click()
    await expect(page.get_by_role("alert")).to_contain_text("Нет связи с сервером")
    await page.context.set_offline(False)
    await page.get_by_role("button", name="Повторить").click()
    await expect(page.get_by_text("Этот сеанс")).to_be_visible()


async def test_the_live_balance_comes_back_with_a_new_token_when_the_server_ends_it(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    sent = operations_sent(page)
    sockets: list[Any] = []
    tokens: list[str] = []  # the Authorization of each connection_init

    def through_to_the_gateway(socket: Any) -> None:
        server = socket.connect_to_server()
        sockets.append(socket)

        def from_page(message: str | bytes) -> None:
            if '"connection_init"' in str(message):
                tokens.append(json.loads(message)["payload"]["Authorization"])
            server.send(message)

        socket.on_message(from_page)
        server.on_message(socket.send)

    await page.route_web_socket(re.compile(r"/graphql$"), through_to_the_gateway)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(page, ANNA)
    await expect(page.get_by_text("обновляется сам")).to_be_visible()
    assert await page.get_by_test_id("balance").get_attribute("aria-live") == "polite"

    # The server ends the stream: the token expired (or was revoked) by its clock, while
    # the page's says it has minutes left. Sending the same token again would be refused.
    sockets[0].send(json.dumps({"id": "balance", "type": "next", "payload": {"errors": [EXPIRED]}}))
    await until(lambda: len(tokens) == 2)
    assert tokens[1] != tokens[0]
    assert [name for name, _ in sent].count("RefreshSession") == 1
    await expect(page.get_by_text("обновляется сам")).to_be_visible()


async def test_every_page_fits_a_375_px_phone(cabinet: Cabinet, browser):
    page = await cabinet.person(browser, SMALL_PHONE)
    too_wide = "document.documentElement.scrollWidth > window.innerWidth"
    await page.goto(f"{cabinet.base_url}/")
    assert not await page.evaluate(too_wide), "sign-in"
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await expect(page.get_by_role("region", name="Семья Петровых")).to_be_visible()
    assert not await page.evaluate(too_wide), "home"
    await cabinet.open_number(page, ANNA)
    await expect(
        page.get_by_role("region", name="Детализация").get_by_role("row")
    ).not_to_have_count(0)
    assert not await page.evaluate(too_wide), "a number"
    await cabinet.open_contract(page, "100200300")
    await expect(
        page.get_by_role("region", name="Детализация").get_by_role("row")
    ).not_to_have_count(0)
    assert not await page.evaluate(too_wide), "a home contract"
    for section, shown in (("Доступ", "Дать доступ к номеру"), ("Сеансы", "Этот сеанс")):
        await page.get_by_role("link", name=section, exact=True).click()
        await expect(page.get_by_text(shown).first).to_be_visible()
        assert not await page.evaluate(too_wide), section


async def test_a_number_page_left_while_it_loads_neither_shows_up_nor_goes_live(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    sockets: list[str] = []
    page.on("websocket", lambda socket: sockets.append(socket.url))
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    asked, answer = asyncio.Event(), asyncio.Event()

    async def slow_number(route: Any) -> None:
        if '"operationName":"CabinetNumber"' in (route.request.post_data or ""):
            asked.set()
            await answer.wait()  # the server is slow with this one
        await route.fallback()

    await page.route("**/graphql", slow_number)
    await page.evaluate("window.location.hash = '#/number/%2B79990000001'")
    async with asyncio.timeout(30):
        await asked.wait()
    await page.get_by_role("link", name="Сеансы").click()  # the person does not wait
    await expect(page.get_by_text("Этот сеанс")).to_be_visible()
    async with page.expect_response(
        lambda r: r.request.post_data and "CabinetNumber" in r.request.post_data
    ):
        answer.set()
    # A page of their own after that answer: by then the late number page would be drawn.
    await page.get_by_role("link", name="Номера", exact=True).click()
    await page.get_by_role("heading", name="Мои номера").wait_for()
    await expect(page.get_by_role("link", name="← Все номера")).to_have_count(0)
    assert sockets == [], "the page left unseen subscribed to the balance"


async def live_balance_is_off_for_good(page: Any, sockets: list[Any]) -> None:
    """The page says the live balance is off, and no retry comes: not after the longest
    backoff (30 s, on the page's clock), nor ever."""
    state = page.get_by_test_id("live-state")
    await expect(state).to_have_text(
        "живое обновление выключено: перезагрузите страницу, чтобы попробовать снова"
    )
    await page.clock.fast_forward("02:00")
    await page.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")
    await expect(state).to_have_attribute("data-state", "off")
    assert len(sockets) == 1, "the page reconnected after a refusal no retry changes"


async def test_a_live_balance_the_server_does_not_know_the_document_of_is_not_retried(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    sockets: list[Any] = []
    page.on("websocket", lambda socket: sockets.append(socket))

    async def an_older_manifest(route: Any) -> None:
        # A page loaded before the server's documents changed: its CabinetBalance id is one
        # the server does not know (PERSISTED_QUERY_NOT_FOUND, the server's real answer).
        answer = await route.fetch()
        manifest = await answer.json()
        for entry in manifest["operations"]:
            if entry["name"] == "CabinetBalance":
                entry["id"] = "0" * 64
        await route.fulfill(response=answer, json=manifest)

    await page.route("**/app/documents.json", an_older_manifest)
    await page.clock.install()
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(page, ANNA)
    await live_balance_is_off_for_good(page, sockets)
    # The rest of the page works: only the live balance is off.
    await expect(page.get_by_test_id("balance")).to_contain_text("₽")


async def test_a_live_balance_ended_for_lost_access_is_not_retried(cabinet: Cabinet, browser):
    page = await cabinet.person(browser)
    sockets: list[Any] = []

    def through_to_the_gateway(socket: Any) -> None:
        server = socket.connect_to_server()
        sockets.append(socket)
        socket.on_message(server.send)
        server.on_message(socket.send)

    await page.route_web_socket(re.compile(r"/graphql$"), through_to_the_gateway)
    await page.clock.install()
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_contract(page, "100200300")
    await expect(page.get_by_text("обновляется сам")).to_be_visible()
    # The server ends the stream: the viewer's access to the line is gone.
    forbidden = {"message": "This needs FULL access.", "extensions": {"code": "FORBIDDEN"}}
    sockets[0].send(
        json.dumps({"id": "balance", "type": "next", "payload": {"errors": [forbidden]}})
    )
    await live_balance_is_off_for_good(page, sockets)
