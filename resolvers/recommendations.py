"""Tariffs that would have cost a number less: its real usage over the last three full
billing periods priced on every choosable tariff (the monthly fee, plus what went beyond
the bundle at the tariff's overage prices), against the same usage on its own tariff.

The extras of the connected services count on a tariff they fit; the services' own fees
are left out, the same on either side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from resolvers.catalog import Catalogue
from resolvers.money.amounts import to_decimal
from resolvers.usage_totals import Used

Row = dict[str, Any]
MB_PER_GB = 1024
PERIODS = 3


@dataclass(frozen=True)
class Recommendation:
    tariff: Row
    monthly_cost: int  # minor units, the average over the periods
    monthly_saving: int
    why: str


def _bundle(
    catalogue: Catalogue, tariff: Row, column: str, service_ids: Sequence[int]
) -> int | None:
    base = tariff[column]
    if base is None:
        return None
    fitting = [sid for sid in service_ids if catalogue.fits_tariff(sid, tariff["id"])]
    return base + sum(catalogue.services[sid][column] or 0 for sid in fitting)


def _over(used: int, bundle: int | None) -> int:
    return 0 if bundle is None else max(0, used - bundle)


def period_cost(catalogue: Catalogue, tariff: Row, used: Used, service_ids: Sequence[int]) -> int:
    minutes = _over(used.minutes, _bundle(catalogue, tariff, "minutes", service_ids))
    sms = _over(used.sms, _bundle(catalogue, tariff, "sms", service_ids))
    data = _over(used.data_mb, _bundle(catalogue, tariff, "data_mb", service_ids))
    return (
        tariff["monthly_fee"]
        + minutes * tariff["minute_price"]
        + sms * tariff["sms_price"]
        + data * tariff["mb_price"]
    )


def recommend(
    catalogue: Catalogue,
    current_tariff_id: int,
    periods: Sequence[Used],
    service_ids: Sequence[int],
) -> list[Recommendation]:
    """Cheapest first; empty when there is no full period yet or nothing is cheaper."""
    if not periods:
        return []
    months = len(periods)

    def cost(tariff: Row) -> int:
        return sum(period_cost(catalogue, tariff, used, service_ids) for used in periods)

    now_on = catalogue.tariffs[current_tariff_id]
    current = cost(now_on)
    found = []
    for tariff in catalogue.tariffs.values():
        if tariff["is_archived"] or tariff["id"] == current_tariff_id:
            continue
        if tariff["segment"] != now_on["segment"]:
            continue  # a phone is never offered a home tariff, nor the reverse
        total = cost(tariff)
        if total < current:
            found.append((total, tariff["sort_order"], tariff["id"], tariff))
    found.sort(key=lambda item: item[:3])
    return [
        Recommendation(
            tariff=tariff,
            monthly_cost=total // months,
            monthly_saving=(current - total) // months,
            why=_why(catalogue, tariff, periods, service_ids, total // months),
        )
        for total, _, _, tariff in found
    ]


def _average(values: Sequence[int], scale: int = 1, places: str = "1") -> Decimal:
    mean = Decimal(sum(values)) / len(values) / scale
    return mean.quantize(Decimal(places), ROUND_HALF_UP)


def _why(
    catalogue: Catalogue,
    tariff: Row,
    periods: Sequence[Used],
    service_ids: Sequence[int],
    monthly_cost: int,
) -> str:
    data_gb = _average([u.data_mb for u in periods], MB_PER_GB, "0.1")
    minutes = _average([u.minutes for u in periods])
    sms = _average([u.sms for u in periods])

    def of(column: str, unit: str, scale: int = 1) -> str:
        bundle = _bundle(catalogue, tariff, column, service_ids)
        if bundle is None:
            return "of unlimited"
        amount = Decimal(bundle) / scale
        shown = amount.quantize(Decimal("0.1")).normalize() if scale > 1 else amount
        return f"of {shown:f} {unit}".rstrip()

    parts = [
        f"you use {data_gb} GB {of('data_mb', 'GB', MB_PER_GB)}",
        f"{minutes} min {of('minutes', 'min')}",
        f"{sms} SMS {of('sms', 'SMS')}",
    ]
    text = "; ".join(parts)
    extra = monthly_cost - tariff["monthly_fee"]
    if extra > 0:
        beyond = f"{to_decimal(extra, tariff['currency'])} {tariff['currency']}"
        text += f"; {beyond} a month beyond the bundle"
    # Changing to it would have to drop these (changeTariff says so too).
    unfit = catalogue.unfit_for(tariff["id"], service_ids)
    if unfit:
        text += "; it does not allow " + ", ".join(f"«{row['name']}»" for row in unfit)
    return text
