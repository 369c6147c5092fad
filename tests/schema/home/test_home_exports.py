"""A home contract's detail as a file (exportUsage with contractNumber) and by e-mail each
month: made by the worker, headed by the contract number and address, named after the
contract; asked for by each viewer kind, and every refusal as for a phone number."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import AccessGrant, ExportJob, MonthlyDetailEmail, Subscriber
from resolvers.exports.monthly import send_monthly_details
from tests.schema.exports.world import NOW, OWNER_NAME, work
from tests.schema.home.usage_world import EXPORT, EXPORTS, build_world, export_of
from tests.support.outbox import sent_emails

RECORDS = 7  # November: five internet sessions and two TV charges
TV_TOTAL = Decimal("498.00")


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


async def made(gql, services, world, format: str, who: str = "owner") -> dict:
    token = world.tokens[who]
    (await gql(EXPORT, export_of(world, format), token=token)).ok()
    await work(services)
    return (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"][0]


@pytest.mark.parametrize("who", ["owner", "user", "full_delegate", "partner_with_usage"])
async def test_export_of_a_contract_as_full_or_above_is_made_and_named_by_the_contract(
    gql, http, services, world, who
):
    token = world.tokens[who]
    asked = (await gql(EXPORT, export_of(world, "CSV"), token=token)).ok()["exportUsage"]
    assert asked["status"] == "QUEUED"
    assert asked["contractNumber"] == world.contract_number and asked["msisdn"] is None
    await work(services)
    [job] = (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"]
    assert (job["status"], job["rowCount"]) == ("SUCCEEDED", RECORDS)
    response = await http.get(job["url"])
    assert response.status_code == 200
    assert response.headers["content-disposition"] == (
        f'attachment; filename="detail-{world.contract_number}-2026-11-01-2026-11-30.csv"'
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    records = rows[1:]
    assert [row[1] for row in records] == ["Интернет"] * 5 + ["ТВ-пакет"] * 2
    assert [row[3] for row in records[5:]] == ["Спорт", "Кино и сериалы"]
    assert sum(Decimal(row[7]) for row in records) == TV_TOTAL


async def test_xlsx_of_a_contract_as_owner_is_headed_by_its_number_and_address(
    gql, http, services, world
):
    job = await made(gql, services, world, "XLSX")
    book = load_workbook(io.BytesIO((await http.get(job["url"])).content))
    detail, totals = book["Детализация"], book["Итоги"]
    assert detail["A1"].value == f"Детализация договора {world.contract_number}"
    assert detail["A2"].value == f"Владелец: {OWNER_NAME}"
    assert detail["A3"].value == f"Адрес: {world.address}"
    assert detail["A4"].value.startswith("Период: 01.11.2026 – 30.11.2026")
    assert detail["A6"].value == "Дата и время"
    assert detail.freeze_panes == "A7"
    assert len(list(detail.iter_rows(min_row=7, values_only=True))) == RECORDS
    kinds = [row[0] for row in totals.iter_rows(min_row=6, values_only=True)]
    assert kinds == ["Интернет", "ТВ-пакет", "Итого"]  # a contract's kinds: no calls, no SMS


async def test_pdf_of_a_contract_as_owner_names_it_on_every_page(gql, http, services, world):
    job = await made(gql, services, world, "PDF")
    reader = PdfReader(io.BytesIO((await http.get(job["url"])).content))
    pages = [page.extract_text() for page in reader.pages]
    for text in pages:
        assert f"Детализация договора {world.contract_number}" in text
        assert f"Адрес: {world.address}" in text
        assert "Дата и время" in text
    assert "ТВ-пакет: 2" in pages[-1] and "Звонок" not in pages[-1]
    assert f"{TV_TOTAL} ₽" in pages[-1]


async def test_export_of_a_contract_as_topup_delegate_is_forbidden(gql, world):
    result = await gql(EXPORT, export_of(world, "PDF"), token=world.tokens["topup_delegate"])
    assert result.error_codes == ["FORBIDDEN"]
    assert await ExportJob.all().count() == 0


async def test_export_of_a_contract_as_partner_without_usage_scope_names_the_scope(gql, world):
    token = world.tokens["partner_without_usage"]
    result = await gql(EXPORT, export_of(world, "CSV"), token=token)
    assert result.error_codes == ["FORBIDDEN"]
    assert result.errors[0]["extensions"]["requiredScope"] == "usage:read"


async def test_export_of_a_contract_as_stranger_looks_like_no_such_contract(gql, world):
    token = world.tokens["stranger"]
    seen = await gql(EXPORT, export_of(world, "CSV"), token=token)
    missing = await gql(EXPORT, export_of(world, "CSV", contractNumber="99999999"), token=token)
    assert seen.error_codes == missing.error_codes == ["NOT_FOUND"]
    assert seen.errors[0]["message"] == missing.errors[0]["message"]
    assert await ExportJob.all().count() == 0


async def test_export_naming_both_a_number_and_a_contract_as_owner_is_bad_user_input(gql, world):
    variables = export_of(world, "CSV", msisdn=world.phone.msisdn)
    result = await gql(EXPORT, variables, token=world.tokens["owner"])
    assert result.error_codes == ["BAD_USER_INPUT"]
    assert await ExportJob.all().count() == 0


async def test_export_of_a_contract_after_the_grant_was_revoked_is_out_of_sight(
    gql, http, services, world
):
    job = await made(gql, services, world, "CSV", who="full_delegate")
    await AccessGrant.filter(grantee_subscriber_id=world.subscribers["full_delegate"].id).update(
        revoked_at=NOW - timedelta(minutes=1)
    )
    assert (await http.get(job["url"])).status_code == 404
    token = world.tokens["full_delegate"]
    assert (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"] == []


SET_MONTHLY = """
mutation($contract: String!) {
  setMonthlyDetailEmail(contractNumber: $contract, enabled: true) {
    enabled email number { msisdn } line { ... on HomeContract { contractNumber } } } }
"""


async def test_the_monthly_detail_of_a_contract_as_owner_comes_named_by_the_contract(
    gql, services, settings, world
):
    owner = world.subscribers["owner"]
    await Subscriber.filter(id=owner.id).update(
        contact_email="anna@example.ru", contact_email_confirmed_at=NOW - timedelta(days=30)
    )
    variables = {"contract": world.contract_number}
    payload = (await gql(SET_MONTHLY, variables, token=world.tokens["owner"])).ok()
    assert payload["setMonthlyDetailEmail"] == {
        "enabled": True,
        "email": "anna@example.ru",
        "number": None,
        "line": {"contractNumber": world.contract_number},
    }
    await MonthlyDetailEmail.all().update(created_at=NOW - timedelta(days=14))
    [sent] = await send_monthly_details(services, NOW)
    assert sent.status == "sent", sent.detail
    [mail] = [m for m in sent_emails(settings.email_outbox_dir) if "Детализация" in m["Subject"]]
    assert mail["Subject"] == f"Детализация договора {world.contract_number} за 11.2026"
    [attachment] = [part for part in mail.walk() if part.get_filename()]
    assert attachment.get_filename() == f"detail-{world.contract_number}-2026-11.pdf"
    pdf = PdfReader(io.BytesIO(attachment.get_payload(decode=True)))
    text = "".join(page.extract_text() for page in pdf.pages)
    assert world.address in text and f"{TV_TOTAL} ₽" in text
