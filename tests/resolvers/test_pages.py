"""First pages of many numbers in one statement (resolvers/pages.py), against the
single-number page they must agree with, cursor for cursor."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone

import pytest

from models import LedgerEntry, LedgerKind
from resolvers.errors import BadUserInput
from resolvers.money import history
from resolvers.pages import decode_keyset_cursor, encode_keyset_cursor, first_pages
from tests.support import family
from tests.support.queries import count_queries

START = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)


async def numbers_with_entries(counts: list[int]):
    """A number per count, each with an opening entry and count - 1 charges after it."""
    tree = await family.family_tree(total_numbers=len(counts), depth=1)
    entries = [
        LedgerEntry(
            number=number,
            kind=LedgerKind.CHARGE,
            amount=-100,
            balance_after=10000 - 100 * (i + 1),
            idempotency_key=f"charge:{number.id}:{i}",
            reason=f"Charge {i}",
            created_at=START + timedelta(hours=i),
        )
        for number, how_many in zip(tree.numbers, counts, strict=True)
        for i in range(how_many - 1)
    ]
    await LedgerEntry.bulk_create(entries)
    return tree.numbers


async def test_first_pages_of_many_numbers_in_one_statement_match_each_alone():
    numbers = await numbers_with_entries([1, 3, 4, 7])
    ids = [n.id for n in numbers]
    with count_queries() as sql:
        pages = await first_pages(history.LEDGER, ids, 3)
    assert sql.count == 1
    window = history.Window.checked(3, None, None)
    for number_id, page in zip(ids, pages, strict=True):
        alone = await history.ledger_page(number_id, window, None)
        assert [r["id"] for r in page.rows] == [r["id"] for r in alone.rows]
        assert page.has_next_page == alone.has_next_page
        assert page.end_cursor == alone.end_cursor
        assert page.rows[0]["created_at"] == alone.rows[0]["created_at"]
    assert [len(p.rows) for p in pages] == [1, 3, 3, 3]
    assert [p.has_next_page for p in pages] == [False, False, True, True]


async def test_a_cursor_from_the_batched_page_continues_on_the_single_number_path():
    (number,) = await numbers_with_entries([7])
    window = history.Window.checked(3, None, None)
    (page,) = await first_pages(history.LEDGER, [number.id], 3)
    seen = [r["id"] for r in page.rows]
    cursor = page.end_cursor
    while cursor:
        more = await history.ledger_page(number.id, window, cursor)
        seen += [r["id"] for r in more.rows]
        cursor = more.end_cursor if more.has_next_page else None
    everything = await LedgerEntry.filter(number_id=number.id).order_by("-id")
    assert seen == [e.id for e in everything]


async def test_filtered_first_pages_keep_to_the_window_for_every_number():
    numbers = await numbers_with_entries([5, 5])
    since = START + timedelta(hours=1)  # charges 1 and 2, not 3
    until = since + timedelta(hours=2)
    window = history.Window.checked(10, since, until, [LedgerKind.CHARGE])
    condition, params = window.condition()
    pages = await first_pages(history.LEDGER, [n.id for n in numbers], 10, condition, params)
    for number, page in zip(numbers, pages, strict=True):
        alone = await history.ledger_page(number.id, window, None)
        assert [r["id"] for r in page.rows] == [r["id"] for r in alone.rows]
        assert [r["reason"] for r in page.rows] == ["Charge 2", "Charge 1"]


async def test_no_keys_send_no_statement():
    with count_queries() as sql:
        assert await first_pages(history.PAYMENTS, [], 3) == []
    assert sql.count == 0


def test_a_keyset_cursor_reads_back_only_in_its_listing_and_under_its_filter():
    at = datetime(2026, 11, 30, 21, 30, tzinfo=timezone(timedelta(hours=3)))
    cursor = encode_keyset_cursor("r", "digest-a", at, 42)
    assert decode_keyset_cursor("r", "digest-a", cursor) == (at, 42)
    with pytest.raises(BadUserInput, match="another filter"):
        decode_keyset_cursor("r", "digest-b", cursor)
    with pytest.raises(BadUserInput, match="not valid"):
        decode_keyset_cursor("usage1", "digest-a", cursor)  # another listing's cursor
    for forged in ("", "!!", base64.urlsafe_b64encode(b"r|digest-a|x|now").decode()):
        with pytest.raises(BadUserInput, match="not valid"):
            decode_keyset_cursor("r", "digest-a", forged)
