"""The usage detail in the API (the kinds of usage record; the rest comes with `Number.usage`)."""

from __future__ import annotations

import models.usage as stored
from schema.types.enums import mirror_enum

UsageKind = mirror_enum(stored.UsageKind, "What a usage record is: a call, an SMS, data.")
