from __future__ import annotations

import strawberry

from schema.mutations.access import AccessMutation
from schema.mutations.care import CareMutation
from schema.mutations.exports import ExportMutation
from schema.mutations.home import HomeMutation
from schema.mutations.identity import IdentityMutation
from schema.mutations.money import MoneyMutation
from schema.mutations.settings import SettingsMutation
from schema.mutations.support import SupportMutation
from schema.mutations.tariffs import TariffMutation
from schema.mutations.time_zone import TimeZoneMutation


@strawberry.type
class Mutation(
    IdentityMutation,
    HomeMutation,
    AccessMutation,
    MoneyMutation,
    TariffMutation,
    CareMutation,
    SupportMutation,
    TimeZoneMutation,
    ExportMutation,
    SettingsMutation,
):
    pass
