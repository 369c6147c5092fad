"""Home internet and TV contracts (договоры) in the web cabinet, in headless chromium, on the
demo family: Анна's own contract 100200300 (internet and TV) and her mother's 100200400,
which she may only top up (Ольга's TOPUP grant)."""

from __future__ import annotations

import re

from playwright.async_api import expect

from tests.support.cabinet import ANNA, ANNA_PASSWORD, Cabinet, rubles, shown_as_rubles

HOME, MOTHERS_HOME = "100200300", "100200400"


async def test_anna_sees_her_contract_in_the_tree_opens_it_and_tops_it_up_with_a_sandbox_card(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)

    # In her family's account, beside her phone numbers: what the contract is and costs.
    home = page.get_by_role("region", name="Семья Петровых").locator(f'[data-contract="{HOME}"]')
    for shown in (
        "Договор 100200300",
        "Москва, ул. Лесная, д. 5, кв. 12",
        "Владелец",
        "«Домашний 500 + ТВ», до 500 Мбит/с",
        "ТВ-пакеты: «Кино», «Детский»",
    ):
        await expect(home).to_contain_text(shown)
    assert rubles(await home.locator(".balance").inner_text()) > 0
    await cabinet.screenshot(page, "home-with-contracts")

    await home.get_by_role("link", name="Договор 100200300", exact=True).click()
    await expect(page.get_by_role("heading", level=1)).to_contain_text("Договор 100200300")
    tariff = page.get_by_role("region", name="Тариф и ТВ")
    await expect(tariff).to_contain_text("«Домашний 500 + ТВ»")
    await expect(tariff).to_contain_text("Интернет до 500 Мбит/с")
    packages = tariff.get_by_role("list", name="Подключённые ТВ-пакеты")
    await expect(packages.get_by_role("listitem")).to_have_count(2)
    await expect(packages).to_contain_text("«Кино», 299,00 ₽ в месяц")
    await expect(packages).to_contain_text("«Детский», 149,00 ₽ в месяц")
    await expect(page.get_by_role("region", name="Баланс")).to_contain_text("Адрес: Москва")
    await expect(page.get_by_text("обновляется сам")).to_be_visible()  # subscribed
    balance = page.get_by_test_id("balance")
    before = rubles(await balance.inner_text())
    assert await cabinet.unlabelled_controls(page) == []

    top_up = page.get_by_role("form", name="Пополнить баланс")
    await top_up.get_by_label("Сумма, ₽").fill("500")
    await top_up.get_by_label("Карта").select_option("tok_visa")
    await top_up.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(top_up.get_by_role("status")).to_contain_text("Зачислено 500,00")
    # The page was not reloaded: the contract's live balance brought the new one.
    await expect(balance).to_have_text(shown_as_rubles(before + 500))
    await cabinet.screenshot(page, "contract")


async def test_anna_reads_her_contracts_internet_and_tv_charges_in_its_detail(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    await cabinet.open_contract(page, HOME)
    detail = page.get_by_role("region", name="Детализация")
    # A contract's kinds only: no calls, no SMS, no direction to choose.
    await expect(detail.get_by_role("checkbox")).to_have_count(2)
    await expect(detail.get_by_label("Направление")).to_have_count(0)
    totals = detail.get_by_label("Итого за период")
    await expect(totals).to_contain_text("Интернет")
    # The last 30 days hold one month's charge of each package: 299,00 + 149,00.
    await expect(totals).to_contain_text(re.compile(r"ТВ-пакеты: 2 · 448,00\s₽"))
    await expect(detail.get_by_role("row").filter(has_text="Интернет").first).to_be_visible()
    await detail.locator("summary", has_text="Интернет по дням").click()
    by_day = detail.get_by_role("table", name="Интернет по дням")
    await expect(by_day.get_by_role("row").filter(has_text="сеанс").first).to_be_visible()

    # Only the TV charges: the internet sessions unticked.
    await detail.get_by_role("checkbox", name="Интернет").uncheck()
    await detail.get_by_role("button", name="Показать", exact=True).click()
    await expect(totals).not_to_contain_text("Интернет")
    rows = detail.get_by_role("table", name="Детализация").get_by_role("row")
    await expect(rows.filter(has_text="ТВ-пакет")).to_have_count(2)
    await expect(rows.filter(has_text="Кино")).to_contain_text("299,00")
    await expect(rows.filter(has_text="Детский")).to_contain_text("149,00")


async def test_as_her_mothers_topup_delegate_anna_sees_only_top_up_on_her_contract(
    cabinet: Cabinet, browser
):
    page = await cabinet.person(browser)
    await cabinet.sign_in_by_password(page, ANNA, ANNA_PASSWORD)
    others = page.get_by_role("region", name="Другие номера и договоры")
    mothers = others.locator(f'[data-contract="{MOTHERS_HOME}"]')
    await expect(mothers).to_contain_text("Только пополнение")
    await expect(mothers).not_to_contain_text("₽")  # no balance, no tariff
    await expect(mothers).not_to_contain_text("Тула")  # her address is not Анна's to read
    await mothers.get_by_role("link", name="Пополнить договор 100200400").click()

    await expect(page.get_by_role("heading", name="Пополнить баланс")).to_be_visible()
    await expect(page.get_by_text("доступ только к пополнению этого договора")).to_be_visible()
    for hidden in ("Баланс", "Тариф", "Детализация", "Доверительный платёж", "Автоплатёж"):
        await expect(page.get_by_role("heading", name=hidden, exact=True)).to_have_count(0)
    await expect(page.get_by_test_id("balance")).to_have_count(0)
    await page.get_by_label("Сумма, ₽").fill("300")
    await page.get_by_label("Карта").select_option("tok_visa")
    await page.get_by_role("button", name="Пополнить", exact=True).click()
    await expect(page.get_by_role("status").filter(has_text="Зачислено")).to_contain_text("300,00")
    await cabinet.screenshot(page, "contract-delegate")

    # A contract she does not reach looks like one that does not exist.
    await page.goto(f"{cabinet.base_url}/#/contract/100200999")
    await expect(page.get_by_role("heading", name="Договор не найден")).to_be_visible()
