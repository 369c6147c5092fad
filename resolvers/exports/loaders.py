"""Per-request loader of the viewer's monthly detail e-mail wishes: one statement for every
number of a tree."""

from __future__ import annotations

from models import MonthlyDetailEmail
from resolvers.dataloader import DataLoader


class MonthlyDetailEmailByNumberLoader(DataLoader[int, str | None]):
    """The address the viewer gets each number's monthly detail at; None when not asked
    for (and always for a partner app, which has no mailbox here)."""

    def __init__(self, subscriber_id: int | None) -> None:
        super().__init__()
        self.subscriber_id = subscriber_id

    async def batch_load_fn(self, keys: list[int]) -> list[str | None]:
        if self.subscriber_id is None:
            return [None for _ in keys]
        rows = await MonthlyDetailEmail.filter(
            subscriber_id=self.subscriber_id, number_id__in=keys
        ).values_list("number_id", "email")
        by_number = dict(rows)
        return [by_number.get(key) for key in keys]
