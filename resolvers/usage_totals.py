"""What a number used in a window of time, for many windows in one statement.

What counts against a bundle: outgoing calls in whole minutes (each call rounded up to the
minute, as the network bills it), outgoing SMS, and all data, in the home network (roaming
is charged separately and uses no bundle). Megabytes are the window's bytes rounded up to a
whole megabyte.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from resolvers.sql import fetch_rows, is_postgres, time_param

BYTES_PER_MB = 1024 * 1024

_TOTALS = """
SELECT w.k AS k, u.kind AS kind, COUNT(*) AS events,
       COALESCE(SUM((u.duration_seconds + 59) / 60), 0) AS minutes,
       COALESCE(SUM(u.bytes), 0) AS bytes
FROM w JOIN usage_records u
  ON u.number_id = w.number_id AND u.started_at >= w.since AND u.started_at < w.until
WHERE u.roaming_zone IS NULL AND (u.kind = 'DATA' OR u.direction = 'OUT')
GROUP BY w.k, u.kind
"""
# The windows travel as one parameter each (arrays, or one JSON text), so the statement's
# text is the same for any number of windows.
_PG_WINDOWS = """WITH w(k, number_id, since, until) AS (
  SELECT * FROM unnest(?::int[], ?::int[], ?::timestamptz[], ?::timestamptz[])
)"""
_SQLITE_WINDOWS = """WITH w(k, number_id, since, until) AS (
  SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
         json_extract(value, '$[2]'), json_extract(value, '$[3]')
  FROM json_each(?)
)"""


@dataclass(frozen=True)
class Window:
    number_id: int
    since: datetime
    until: datetime  # exclusive


@dataclass(frozen=True)
class Used:
    minutes: int = 0
    sms: int = 0
    data_mb: int = 0


async def usage_in(windows: Sequence[Window]) -> list[Used]:
    """What each window's number used in it, in the order given."""
    if not windows:
        return []
    if is_postgres():
        sql = _PG_WINDOWS + _TOTALS
        params: list[object] = [
            list(range(len(windows))),
            [w.number_id for w in windows],
            [w.since for w in windows],
            [w.until for w in windows],
        ]
    else:
        sql = _SQLITE_WINDOWS + _TOTALS
        rows = [
            [k, w.number_id, time_param(w.since), time_param(w.until)]
            for k, w in enumerate(windows)
        ]
        params = [json.dumps(rows)]
    found: dict[int, dict[str, int]] = {}
    for row in await fetch_rows(sql, params):
        totals = found.setdefault(int(row["k"]), {})
        if row["kind"] == "CALL":
            totals["minutes"] = int(row["minutes"])
        elif row["kind"] == "SMS":
            totals["sms"] = int(row["events"])
        elif row["kind"] == "DATA":
            totals["data_mb"] = -(-int(row["bytes"]) // BYTES_PER_MB)
    return [Used(**found.get(k, {})) for k in range(len(windows))]
