from __future__ import annotations

import strawberry

from resolvers.access.common import subscriber_of
from resolvers.context import RequestContext
from resolvers.usage_detail.zones import set_time_zone
from schema.types.subscriber import Subscriber

Info = strawberry.Info[RequestContext, None]


@strawberry.type
class TimeZoneMutation:
    @strawberry.mutation(
        description="Chooses the time zone the signed-in subscriber's times are shown in "
        "(usage detail, exports): an IANA name such as Asia/Yekaterinburg."
    )
    async def set_time_zone(self, info: Info, time_zone: str) -> Subscriber:
        subscriber_id = subscriber_of(info.context.viewer)
        await set_time_zone(subscriber_id, time_zone)
        loader = info.context.loaders.subscriber_by_id
        row = await loader.clear(subscriber_id).load(subscriber_id)
        assert row is not None
        return Subscriber.from_row(row)
