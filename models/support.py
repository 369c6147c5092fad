from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class TicketTopic(StrEnum):
    BILLING = "BILLING"  # charges, balance, payments
    TARIFF = "TARIFF"  # tariffs, services, bundles
    NETWORK = "NETWORK"  # coverage, calls, data
    NUMBER = "NUMBER"  # the SIM, blocking, the number itself
    OTHER = "OTHER"


class TicketStatus(StrEnum):
    ACKNOWLEDGED = "ACKNOWLEDGED"  # received, nobody has answered yet
    IN_PROGRESS = "IN_PROGRESS"  # the subscriber wrote again: the operator's turn
    PENDING_CUSTOMER = "PENDING_CUSTOMER"  # the operator answered: the subscriber's turn
    RESOLVED = "RESOLVED"  # the operator considers it solved: may be reopened for a while
    CLOSED = "CLOSED"  # final


class TicketSide(StrEnum):
    """Who wrote a message or moved a ticket."""

    SUBSCRIBER = "SUBSCRIBER"  # the subscriber, a delegate or a partner app, in the API
    OPERATOR = "OPERATOR"  # the support desk, from the command line


class SupportTicket(Model):
    """A support ticket about one number: its topic and status. The text is in its first
    message. `subscriber` is whom the operator answers and notifies: the author, or the
    number's owner when a partner app opened it."""

    id = fields.IntField(primary_key=True)
    number = fields.ForeignKeyField(
        "kabinet.Number", related_name="support_tickets", on_delete=fields.CASCADE
    )
    subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="support_tickets", on_delete=fields.CASCADE
    )
    opened_by_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="support_tickets", null=True, on_delete=fields.SET_NULL
    )
    topic = fields.CharEnumField(TicketTopic, max_length=16)
    status = fields.CharEnumField(TicketStatus, max_length=16)
    created_at = fields.DatetimeField()
    # The last message or status change.
    updated_at = fields.DatetimeField()
    # When it was last resolved (the reopening window counts from it).
    resolved_at = fields.DatetimeField(null=True)

    class Meta:
        table = "support_tickets"
        indexes = (("number_id", "created_at"), ("subscriber_id", "status"), ("status", "id"))


class TicketMessage(Model):
    """One message of a ticket, from the subscriber's side or the operator's. The text is
    kept exactly as written (after trimming) and is never rendered as markup."""

    id = fields.IntField(primary_key=True)
    ticket = fields.ForeignKeyField(
        "kabinet.SupportTicket", related_name="messages", on_delete=fields.CASCADE
    )
    side = fields.CharEnumField(TicketSide, max_length=16)
    author_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="ticket_messages", null=True, on_delete=fields.SET_NULL
    )
    author_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="ticket_messages", null=True, on_delete=fields.SET_NULL
    )
    # The operator's login on the support desk (never shown to subscribers).
    operator = fields.CharField(max_length=64, null=True)
    text = fields.TextField()
    created_at = fields.DatetimeField()

    class Meta:
        table = "ticket_messages"
        indexes = (("ticket_id", "id"),)


class TicketEvent(Model):
    """A ticket's status change: from what, to what, who moved it and when."""

    id = fields.IntField(primary_key=True)
    ticket = fields.ForeignKeyField(
        "kabinet.SupportTicket", related_name="events", on_delete=fields.CASCADE
    )
    from_status = fields.CharEnumField(TicketStatus, max_length=16, null=True)
    to_status = fields.CharEnumField(TicketStatus, max_length=16)
    side = fields.CharEnumField(TicketSide, max_length=16)
    actor_subscriber = fields.ForeignKeyField(
        "kabinet.Subscriber", related_name="ticket_events", null=True, on_delete=fields.SET_NULL
    )
    actor_partner = fields.ForeignKeyField(
        "kabinet.PartnerApp", related_name="ticket_events", null=True, on_delete=fields.SET_NULL
    )
    operator = fields.CharField(max_length=64, null=True)
    created_at = fields.DatetimeField()

    class Meta:
        table = "ticket_events"
        indexes = (("ticket_id", "id"),)
