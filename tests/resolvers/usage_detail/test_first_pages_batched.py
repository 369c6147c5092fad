"""The batched first pages and totals (`UsagePageByNumberLoader`, `totals_by_number`) are
the single-number reads' pages and totals, for every number at once, under every filter."""

import random

from resolvers.loaders import Loaders
from resolvers.usage_detail import checked_filter, usage_page, usage_totals
from resolvers.usage_detail.loaders import UsagePageByNumberLoader
from resolvers.usage_detail.totals import totals_by_number
from tests.resolvers.usage_detail.test_stream_and_totals import FILTERS, YEAR_BEFORE
from tests.resolvers.usage_detail.world import a_number, random_records, stored


async def test_first_pages_and_totals_of_many_numbers_are_each_numbers_own() -> None:
    numbers = [await a_number() for _ in range(4)]
    for seed, number in enumerate(numbers[1:], start=1):  # the first number has no records
        await stored(number, random_records(random.Random(seed), number, 150 * seed))
    ids = [number.id for number in numbers]
    for name, extra in FILTERS.items():
        usage_filter = checked_filter(YEAR_BEFORE.from_, YEAR_BEFORE.to, **extra)
        for first in (1, 7, 100):
            loader = Loaders().get(UsagePageByNumberLoader)
            pages = await loader.load_many([(n, (usage_filter, first)) for n in ids])
            for number_id, page in zip(ids, pages, strict=True):
                alone = await usage_page(number_id, usage_filter, first, None)
                assert page == alone, (name, first)
        alone_totals = [await usage_totals(n, usage_filter) for n in ids]
        assert await totals_by_number(ids, usage_filter) == alone_totals, name
