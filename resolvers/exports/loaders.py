"""Per-request loader of the viewer's monthly detail e-mail wishes: one statement for every
number of a tree."""

from __future__ import annotations

from models import MonthlyDetailEmail
from resolvers.dataloader import DataLoader


class MonthlyDetailEmailByNumberLoader(DataLoader[int, bool]):
    """Whether the viewer asked for each number's monthly detail (never a partner app, which
    has no mailbox here)."""

    def __init__(self, subscriber_id: int | None) -> None:
        super().__init__()
        self.subscriber_id = subscriber_id

    async def batch_load_fn(self, keys: list[int]) -> list[bool]:
        if self.subscriber_id is None:
            return [False for _ in keys]
        asked = set(
            await MonthlyDetailEmail.filter(
                subscriber_id=self.subscriber_id, number_id__in=keys
            ).values_list("number_id", flat=True)
        )
        return [key in asked for key in keys]
