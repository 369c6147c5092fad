"""GET /exports/{id}: the file of each format opened again and checked, and every refusal:
a tampered or expired signature (403, no file contents), a revoked grant and a removed
file (404)."""

import csv
import io
from datetime import datetime, timedelta
from decimal import Decimal
from urllib.parse import parse_qs, urlsplit

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from models import ExportJob, PartnerApp
from resolvers.exports.jobs import remove_expired_files
from resolvers.identity.partners import disable_partner_app
from tests.schema.exports.world import (
    CALLS,
    DATA,
    EXPORT,
    EXPORTS,
    NOW,
    OWNER_NAME,
    SMS,
    TOTAL,
    build_world,
    export_input,
    work,
)

RECORDS = CALLS + SMS + DATA


@pytest.fixture
async def world(viewers, services):
    services.clock = lambda: NOW
    return await build_world(viewers)


async def made(gql, services, world, format: str, kind: str = "owner") -> dict:
    token = world.tokens[kind]
    (await gql(EXPORT, export_input(world, format), token=token)).ok()
    await work(services)
    return (await gql(EXPORTS, token=token)).ok()["viewer"]["exports"][0]


async def test_csv_as_owner_opens_with_a_bom_a_header_and_every_record(gql, http, services, world):
    job = await made(gql, services, world, "CSV")
    response = await http.get(job["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="detail-')
    assert disposition.endswith('-2026-11-01-2026-11-30.csv"')
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    header, records = rows[0], rows[1:]
    assert header[:3] == ["Дата и время", "Тип", "Направление"]
    assert len(records) == RECORDS
    assert {row[1] for row in records} == {"Звонок", "SMS", "Интернет"}
    assert sum(Decimal(row[7]) for row in records) == Decimal(TOTAL)
    times = [datetime.fromisoformat(row[0]) for row in records]
    assert times == sorted(times, reverse=True)  # newest first
    assert times[-1].isoformat() == "2026-11-01T00:33:00+03:00"  # in Moscow time
    assert "Европа" in {row[6] for row in records}


async def test_xlsx_as_owner_has_typed_cells_and_a_totals_sheet(gql, http, services, world):
    job = await made(gql, services, world, "XLSX")
    response = await http.get(job["url"])
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    detail, totals = book["Детализация"], book["Итоги"]
    assert detail["A1"].value == f"Детализация номера {world.number.msisdn}"
    assert detail["A2"].value == f"Владелец: {OWNER_NAME}"
    assert detail.freeze_panes == "A6"  # the column titles stay in sight
    rows = list(detail.iter_rows(min_row=6, values_only=True))
    assert len(rows) == RECORDS
    assert isinstance(detail["A6"].value, datetime)
    assert detail["A6"].number_format == "DD.MM.YYYY HH:MM:SS"
    assert isinstance(detail["E6"].value, timedelta | type(None))
    assert "₽" in detail["H6"].number_format
    assert sum(Decimal(str(row[7])) for row in rows) == Decimal(TOTAL)
    by_kind = {row[0]: row for row in totals.iter_rows(min_row=5, values_only=True)}
    assert by_kind["Звонок"][1] == CALLS
    assert by_kind["SMS"][1] == SMS
    assert Decimal(str(by_kind["Итого"][4])) == Decimal(TOTAL)


async def test_pdf_as_owner_shows_the_cyrillic_owner_the_period_and_the_totals(
    gql, http, services, world
):
    job = await made(gql, services, world, "PDF")
    response = await http.get(job["url"])
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2
    for number, text in enumerate(pages, start=1):
        assert f"Страница {number}" in text
        assert OWNER_NAME in text
        assert "Дата и время" in text  # the column titles on every page
        assert "01.11.2026 – 30.11.2026 (Europe/Moscow)" in text
    assert "Итоги за период" in pages[-1]
    assert "Итого" in pages[-1] and f"{TOTAL} ₽" in pages[-1]
    assert f"Звонок: {CALLS}" in pages[-1]


def tampered(url: str, **changes: str) -> str:
    parts = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(parts.query).items()} | changes
    return parts.path + "?" + "&".join(f"{k}={v}" for k, v in query.items())


@pytest.mark.parametrize(
    "change",
    [
        {"signature": "0" * 64},
        {"expires": "4102444800"},  # a later expiry with the old signature
        {"signature": ""},
        {"signature": "кириллица"},
        {"expires": "١٧٩٦٥٢٥٠٤٠"},  # Arabic-Indic digits: int() would read them
    ],
)
async def test_download_with_a_tampered_link_is_forbidden_without_contents(
    gql, http, services, world, change
):
    job = await made(gql, services, world, "CSV")
    response = await http.get(tampered(job["url"], **change))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"
    assert "Звонок" not in response.text


async def test_download_of_another_job_with_this_jobs_signature_is_forbidden(
    gql, http, services, world
):
    job = await made(gql, services, world, "CSV")
    for other in ("/exports/2?", "/exports/١?", "/exports/99999999999?", "/exports/x?"):
        response = await http.get(job["url"].replace("/exports/1?", other))
        assert response.status_code == 403, other
        assert response.json()["error"]["code"] == "INVALID_SIGNATURE"


async def test_download_without_a_signature_is_forbidden(gql, http, services, world):
    job = await made(gql, services, world, "CSV")
    response = await http.get(job["url"].split("?")[0])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "INVALID_SIGNATURE"


async def test_download_after_the_link_expired_is_forbidden(gql, http, services, world):
    job = await made(gql, services, world, "CSV")
    services.clock = lambda: NOW + timedelta(hours=1, seconds=1)
    response = await http.get(job["url"])
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "LINK_EXPIRED"
    assert "Звонок" not in response.text


async def test_download_after_the_grant_was_revoked_is_not_found(gql, http, services, world):
    job = await made(gql, services, world, "CSV", kind="full_delegate")
    assert (await http.get(job["url"])).status_code == 200
    world.full_grant.revoked_at = NOW
    await world.full_grant.save(update_fields=["revoked_at"])
    response = await http.get(job["url"])
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert "Звонок" not in response.text


async def test_download_as_partner_checks_the_scopes_it_asked_with(gql, http, services, world):
    job = await made(gql, services, world, "CSV", kind="partner_with_usage")
    assert (await http.get(job["url"])).status_code == 200


async def test_download_after_the_partner_app_was_disabled_is_not_found(gql, http, services, world):
    job = await made(gql, services, world, "CSV", kind="partner_with_usage")
    row = await ExportJob.get()
    assert await disable_partner_app((await PartnerApp.get(id=row.partner_app_id)).client_id)
    response = await http.get(job["url"])  # made before, signed and unexpired
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "NOT_FOUND"
    assert "Звонок" not in response.text


async def test_files_past_their_retention_are_removed_and_their_links_gone(
    gql, http, services, world, settings
):
    job = await made(gql, services, world, "CSV")
    stored = list((settings.export_storage_dir / "exports").iterdir())
    assert len(stored) == 1
    assert await remove_expired_files(services, NOW + timedelta(days=6)) == []
    later = NOW + timedelta(days=7, seconds=1)
    assert len(await remove_expired_files(services, later)) == 1
    assert not stored[0].exists()
    assert (await http.get(job["url"])).status_code == 404
    row = await ExportJob.get()
    assert (row.status, row.storage_key) == ("SUCCEEDED", None)  # the job stays, without a file
