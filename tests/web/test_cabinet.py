"""What a person does in the web cabinet, in headless chromium, on the demo family."""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from playwright.async_api import expect

from tests.support.cabinet import (
    ANNA,
    ANNA_PASSWORD,
    MASHA,
    OLGA,
    PETR,
    PHONE,
    TABLET,
    VANYA,
    Cabinet,
    rubles,
    shown_as_rubles,
)


async def test_anna_signs_in_by_sms_code_and_sees_her_family_tree(cabinet: Cabinet, browser):
    page = await cabinet.person(browser)
    await page.goto(f"{cabinet.base_url}/")
    await cabinet.screenshot(page, "sign-in")
    await cabinet.sign_in_by_code(page, ANNA)

    family = page.get_by_role("region", name="Семья Петровых")
    children = family.get_by_role("region", name="Дети")
    await expect(family.locator(f'[data-msisdn="{ANNA}"]')).to_contain_text("Владелец")
    await expect(children.locator(f'[data-msisdn="{VANYA}"]')).to_contain_text("45,00")
    await expect(children.locator(f'[data-msisdn="{MASHA}"]')).to_contain_text("Интернет: осталось")
    # Her mother's number, through a TOPUP grant: no balance, no tariff, only a top-up.
    olga = page.get_by_role("region", name="Другие номера").locator(f'[data-msisdn="{OLGA}"]')
    await expect(olga).to_contain_text("Только пополнение")
    await expect(olga).not_to_contain_text("₽")
    await expect(olga.get_by_role("link", name=re.compile("^Пополнить"))).to_be_visible()
    await cabinet.screenshot(page, "home")

    # Her own number's trust payment: why none is offered, in the cabinet's own words
    # (unavailableCode), not the API's English sentence.
    await page.goto(f"{cabinet.base_url}/#/number/{quote(ANNA)}")
    trust = page.get_by_role("region", name="Доверительный платёж")
    await expect(trust).to_contain_text(
        re.compile("Доступен после 60 дней|Уже взят доверительный|Баланс пока не так мал")
    )
    await page.goto(f"{cabinet.base_url}/#/")

    await page.reload()  # signed in still: the refresh token is in the tab's storage
    await expect(page.get_by_role("region", name="Семья Петровых")).to_be_visible()

    await page.get_by_role("button", name="Выйти").click()
    await page.get_by_role("heading", name="Вход в личный кабинет").wait_for()
    await page.reload()  # the refresh token went with the session
    await page.get_by_role("heading", name="Вход в личный кабинет").wait_for()
    await expect(page.get_by_role("navigation")).to_be_hidden()


async def test_olga_sees_her_balance_move_live_when_anna_tops_her_number_up(
    cabinet: Cabinet, browser
):
    olga = await cabinet.person(browser)
    await cabinet.sign_in_by_code(olga, OLGA)
    await cabinet.open_number(olga, OLGA)
    balance = olga.get_by_test_id("balance")
    await expect(olga.get_by_text("обновляется сам")).to_be_visible()  # subscribed
    before = rubles(await balance.inner_text())
    await olga.get_by_role("button", name="Сменить тариф").click()  # the catalogue too
    await expect(olga.get_by_role("button", name=re.compile("^Перейти на")).first).to_be_visible()
    assert await cabinet.unlabelled_controls(olga) == []

    anna = await cabinet.person(browser, PHONE)
    await cabinet.sign_in_by_password(anna, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(anna, OLGA)
    await expect(anna.get_by_text("доступ только к пополнению")).to_be_visible()
    await expect(anna.get_by_role("heading", name="Детализация")).to_have_count(0)
    await anna.get_by_label("Сумма, ₽").fill("500")
    await anna.get_by_label("Карта").select_option("tok_visa")
    await anna.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(anna.get_by_role("status").filter(has_text="Зачислено")).to_contain_text("500,00")

    # Ольга's page was not reloaded: the subscription brought the new balance.
    await expect(balance).to_have_text(shown_as_rubles(before + 500))
    await cabinet.screenshot(olga, "number")


async def test_a_tariff_change_is_made_and_a_limited_number_is_refused_with_the_reason(
    cabinet: Cabinet, browser
):
    anna = await cabinet.person(browser)
    await cabinet.sign_in_by_password(anna, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(anna, MASHA)
    await anna.get_by_role("button", name="Сменить тариф").click()
    await anna.get_by_role("button", name="Перейти на «Семейный»").click()
    await expect(anna.get_by_role("status").filter(has_text="Готово")).to_contain_text("Семейный")
    await expect(anna.get_by_role("region", name="Тариф и услуги")).to_contain_text("«Семейный»")

    # Ваня's mother does not let him change his tariff: the page says so, with the server's words.
    vanya = await cabinet.person(browser, PHONE)
    await cabinet.sign_in_by_code(vanya, VANYA)
    await cabinet.open_number(vanya, VANYA)
    await vanya.get_by_role("button", name="Сменить тариф").click()
    await vanya.get_by_role("button", name="Перейти на «Смарт»").click()
    refusal = vanya.get_by_role("alert")
    await expect(refusal).to_contain_text("Владелец номера запретил менять на нём тариф.")
    await expect(refusal).to_contain_text("do not allow changing its tariff")
    await cabinet.screenshot(vanya, "tariff-refused")


async def test_anna_exports_her_detail_and_downloads_the_file(cabinet: Cabinet, browser):
    page = await cabinet.person(browser)
    await page.clock.install()
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(page, ANNA)
    detail = page.get_by_role("region", name="Детализация")
    await expect(detail.get_by_role("row")).not_to_have_count(0)
    await expect(detail.get_by_label("Итого за период")).to_contain_text("Звонки")
    await detail.get_by_label("Формат").select_option("PDF")
    await detail.get_by_role("button", name="Выгрузить").click()
    link = detail.get_by_role("link", name="Скачать PDF")
    await link.wait_for(timeout=120_000)  # the worker's pass writes it
    assert (await link.get_attribute("href")).startswith("/exports/")
    # Back after lunch, the link (1 hour) expired: the click asks for a fresh one first
    # rather than download the server's "link expired" (the access token is refreshed too).
    await page.clock.fast_forward("02:00:00")
    async with page.expect_request(lambda r: '"operationName":"Exports"' in (r.post_data or "")):
        async with page.expect_download() as downloading:
            await link.click()
    download = await downloading.value
    assert (await download.path()).read_bytes().startswith(b"%PDF")


async def test_a_topup_grant_shows_the_delegate_only_what_topup_allows(cabinet: Cabinet, browser):
    anna = await cabinet.person(browser)
    await cabinet.sign_in_by_password(anna, ANNA, ANNA_PASSWORD)
    await anna.get_by_role("link", name="Доступ").click()
    # A screen reader says which section this is (an empty aria-current would mean "not").
    await expect(anna.get_by_role("link", name="Доступ", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    grant = anna.get_by_role("form", name="Дать доступ к номеру")
    await grant.get_by_label("Номер").select_option(TABLET)
    await grant.get_by_label("Кому (телефон)").fill("+7 999 000-00-09")
    await grant.get_by_label("Уровень").select_option("TOPUP")
    await grant.get_by_label("Пополнений не больше, ₽ в месяц").fill("300")
    await grant.get_by_role("button", name="Дать доступ").click()
    given = anna.get_by_role("region", name="Кому я дал доступ")
    await expect(given).to_contain_text("+7 999 000-00-04 → Пётр")
    await expect(given).to_contain_text("300,00")
    await cabinet.screenshot(anna, "access")

    petr = await cabinet.person(browser, PHONE)
    await cabinet.sign_in_by_code(petr, PETR)
    tablet = petr.locator(f'[data-msisdn="{TABLET}"]')
    await expect(tablet).to_contain_text("Только пополнение")
    await expect(tablet).not_to_contain_text("₽")
    await tablet.get_by_role("link", name="+7 999 000-00-04", exact=True).click()
    await expect(petr.get_by_role("heading", name="Пополнить баланс")).to_be_visible()
    for hidden in ("Баланс", "Тариф и услуги", "Детализация", "Автоплатёж"):
        await expect(petr.get_by_role("heading", name=hidden, exact=True)).to_have_count(0)
    await petr.get_by_label("Сумма, ₽").fill("200")
    await petr.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(petr.get_by_role("status").filter(has_text="Зачислено")).to_contain_text("200,00")
    # Past the monthly cap Анна set: refused, with the reason.
    await petr.get_by_label("Сумма, ₽").fill("200")
    await petr.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(petr.get_by_role("alert")).to_contain_text("месячный лимит пополнений")
    await cabinet.screenshot(petr, "delegate")


async def test_graphiql_opens_from_the_gateway_alone(cabinet: Cabinet, browser):
    page = await cabinet.person(browser)
    await page.goto(f"{cabinet.base_url}/graphql")
    await expect(page.locator(".graphiql-execute-button")).to_be_visible()
    await page.locator(".graphiql-query-editor .CodeMirror").click()
    await page.keyboard.press("Control+A")
    await page.keyboard.type("{ __typename }")
    await page.locator(".graphiql-execute-button").click()
    await expect(page.locator(".graphiql-response")).to_contain_text("Query")


async def test_a_locked_out_phone_is_told_when_to_try_again(cabinet: Cabinet, browser):
    page = await cabinet.person(browser, PHONE)
    await page.goto(f"{cabinet.base_url}/")
    await page.get_by_label("Номер телефона").fill(MASHA)
    await page.get_by_label("По паролю").check()
    answer = page.get_by_role("alert")
    for attempt in range(11):  # ten failures in a row lock the phone for an hour
        await page.get_by_label("Пароль").fill(f"not-her-password-{attempt}")
        await page.get_by_role("button", name="Войти", exact=True).click()
        await expect(answer).to_be_visible()  # the click made it a "busy" status first
        if "Слишком много попыток" in await answer.inner_text():
            break
        await expect(answer).to_contain_text("Неверный номер, код или пароль.")
    await expect(answer).to_contain_text(
        re.compile(r"Попробуйте снова через 60 минут \(в \d\d:\d\d\)")
    )
    await cabinet.screenshot(page, "locked-out")


async def test_an_expired_access_token_is_refreshed_once_for_requests_sent_together(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    refreshes = []
    page.on(
        "request",
        lambda request: (
            refreshes.append(request.url)
            if '"operationName":"RefreshSession"' in (request.post_data or "")
            else None
        ),
    )
    await page.clock.install()
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    stored = await page.evaluate("sessionStorage.getItem('kabinet.refreshToken')")
    await page.clock.fast_forward("20:00")  # the page's clock: past the token's 15 minutes
    # Three requests at once share one refresh: a refresh token works once, and a second
    # use would revoke the whole session.
    current = await page.evaluate(
        """async () => {
            const api = await import("/app/js/api.js");
            const answers = await Promise.all([1, 2, 3].map(() => api.run("CabinetSessions")));
            return answers.map((data) => data.viewer.sessions.filter((s) => s.current).length);
        }"""
    )
    assert current == [1, 1, 1]
    assert len(refreshes) == 1
    assert await page.evaluate("sessionStorage.getItem('kabinet.refreshToken')") != stored
    await page.get_by_role("link", name="Сеансы").click()
    await expect(page.get_by_text("Этот сеанс")).to_be_visible()


async def test_just_after_midnight_in_moscow_the_detail_still_ends_today(cabinet: Cabinet, browser):
    # 00:30 in Moscow is 21:30 UTC the day before: a UTC date would end the default window
    # a day early and leave out what happened since midnight.
    moscow = ZoneInfo("Europe/Moscow")
    now = datetime.now(moscow)
    night = now.replace(hour=0, minute=30, second=0, microsecond=0)
    if night > now:
        night -= timedelta(days=1)
    page = await cabinet.person(browser)
    await page.clock.install(time=night)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_number(page, ANNA)
    filters = page.get_by_label("Фильтры детализации")
    await expect(filters.get_by_label("По", exact=True)).to_have_value(night.date().isoformat())
    month_ago = (night - timedelta(days=30)).date().isoformat()
    await expect(filters.get_by_label("С", exact=True)).to_have_value(month_ago)
