"""`node(id:)`: any object by global id, checked against the viewer like every other path.
An object the viewer may not see is NOT_FOUND, exactly like one that does not exist."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay

from models import AccessGrant, AccessRequest, Operation, Service, Tariff
from permissions.contract_session import is_contract_session
from permissions.levels import Level, allows
from resolvers.access.common import GRANT_COLUMNS
from resolvers.access.requests import REQUEST_COLUMNS
from resolvers.context import RequestContext
from resolvers.errors import NotFound
from resolvers.exports import reading as export_reading
from resolvers.home.sessions import contract_numbers_of
from resolvers.identity.sessions import list_sessions
from resolvers.loaders import GRANT_LINE_NAMES
from resolvers.operations.history import COLUMNS as OPERATION_COLUMNS
from resolvers.operations.history import HISTORY_SCOPE
from schema import money_nodes, people_nodes, support_nodes
from schema.ids import NO_SUCH_ID, NOT_AN_ID, decode, pk_of
from schema.types import (
    access_request,
    account,
    catalog,
    exports,
    grant,
    identity,
    lines,
    operation,
)

Info = strawberry.Info[RequestContext, None]


async def resolve_node(info: Info, global_id: str) -> relay.Node:
    gid = decode(global_id)
    resolver = _RESOLVERS.get(gid.type_name) if gid else None
    pk = pk_of(gid, gid.type_name) if gid else NOT_AN_ID
    found = await resolver(info, pk) if resolver and pk != NOT_AN_ID else None
    if found is None:
        raise NotFound(NO_SUCH_ID)
    return found


async def _line(info: Info, pk: int, home: bool) -> Any:
    """A Number's id answers only a phone number, a HomeContract's only a contract: the
    two kinds share the line ids but not the global ids."""
    reach = await info.context.loaders.reach()
    row, level = reach.numbers.get(pk), reach.level(pk)
    if row is None or level is Level.NONE or (row.home is not None) != home:
        return None
    return lines.line_of(row, reach, info.context.viewer)


async def _number(info: Info, pk: int) -> Any:
    return await _line(info, pk, home=False)


async def _home_contract(info: Info, pk: int) -> Any:
    return await _line(info, pk, home=True)


async def _account(info: Info, pk: int) -> Any:
    reach = await info.context.loaders.reach()
    row = reach.accounts.get(pk)
    return account.Account.from_row(row, reach, info.context.viewer) if row else None


async def _session(info: Info, pk: int) -> Any:
    viewer = info.context.viewer
    if viewer.subscriber_id is None:
        return None
    if is_contract_session(viewer) and pk != viewer.session_id:
        return None  # a contract's session sees only itself
    for row in await list_sessions(info.context.services, viewer.subscriber_id):
        if row.id == pk:
            contracts = await contract_numbers_of([row])
            return identity.Session.from_row(row, viewer.session_id, contracts)
    return None


async def _grant(info: Info, pk: int) -> Any:
    rows = await AccessGrant.filter(id=pk).values(*GRANT_COLUMNS, **GRANT_LINE_NAMES)
    if not rows:
        return None
    row, viewer = rows[0], info.context.viewer
    reach = await info.context.loaders.reach()
    is_grantee = (
        viewer.subscriber_id is not None and row["grantee_subscriber_id"] == viewer.subscriber_id
    ) or (viewer.partner_app_id is not None and row["grantee_partner_id"] == viewer.partner_app_id)
    if not is_grantee and reach.level(row["number_id"]) is not Level.OWNER:
        return None
    if is_contract_session(viewer) and row["number_id"] not in reach.numbers:
        return None  # the holder's grants on other lines are not the contract's to see
    return grant.Grant.from_row(row, info.context.services.clock())


async def _access_request(info: Info, pk: int) -> Any:
    rows = await AccessRequest.filter(id=pk).values(*REQUEST_COLUMNS)
    if not rows:
        return None
    row = rows[0]
    reach = await info.context.loaders.reach()
    # A contract's session is not the holder asking for others' lines.
    is_requester = row["requester_id"] == info.context.viewer.subscriber_id and not (
        is_contract_session(info.context.viewer)
    )
    is_owner = row["number_id"] is not None and reach.level(row["number_id"]) is Level.OWNER
    if not (is_requester or is_owner):
        return None
    return access_request.AccessRequest.from_row(row, info.context.services.clock())


async def _tariff(info: Info, pk: int) -> Any:
    rows = await Tariff.filter(id=pk).values()
    return catalog.Tariff.from_row(rows[0]) if rows else None


async def _service(info: Info, pk: int) -> Any:
    rows = await Service.filter(id=pk).values()
    return catalog.Service.from_row(rows[0]) if rows else None


async def _operation(info: Info, pk: int) -> Any:
    rows = await Operation.filter(id=pk).values(*OPERATION_COLUMNS)
    if not rows:
        return None
    reach = await info.context.loaders.reach()
    level = reach.level(rows[0]["number_id"])
    if not allows(info.context.viewer, level, Level.FULL, HISTORY_SCOPE):
        return None
    return operation.Operation.from_row(rows[0])


async def _export_job(info: Info, pk: int) -> Any:
    reach = await info.context.loaders.reach()
    row = await export_reading.export_by_id(info.context.viewer, reach, pk)
    return exports.export_view(info.context, reach, row) if row else None


_RESOLVERS = {
    "ExportJob": _export_job,
    "Operation": _operation,
    "Number": _number,
    "HomeContract": _home_contract,
    "Account": _account,
    "Subscriber": people_nodes.subscriber_node,
    "PartnerApp": people_nodes.partner_app_node,
    "Payment": money_nodes.payment,
    "LedgerEntry": money_nodes.ledger_entry,
    "PaymentCard": money_nodes.payment_card,
    "TrustPayment": money_nodes.trust_payment,
    "Autopay": money_nodes.autopay,
    "Session": _session,
    "Grant": _grant,
    "AccessRequest": _access_request,
    "Tariff": _tariff,
    "Service": _service,
    "SupportTicket": support_nodes.support_ticket,
}
