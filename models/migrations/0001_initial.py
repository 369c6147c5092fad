from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.access import AccessLevel, AccessRequestStatus
from models.accounts import NumberStatus
from models.ledger import LedgerKind
from models.requests import RequestKind, RequestStatus
from models.usage import UsageDirection, UsageKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from enum import StrEnum


class TicketStatus(StrEnum):
    # The first ticket table's statuses: models/support.py replaced it (0014).
    OPEN = "OPEN"
    ANSWERED = "ANSWERED"
    CLOSED = "CLOSED"


from tortoise.indexes import Index

class Migration(migrations.Migration):
    initial = True

    operations = [
        ops.CreateModel(
            name='PartnerApp',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('client_id', fields.CharField(unique=True, max_length=64)),
                ('secret_hash', fields.CharField(max_length=256)),
                ('allowed_scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_active', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'partner_apps', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'A third-party client: authenticates with client id + secret, acts within its scopes.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Service',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('category', fields.CharField(max_length=32)),
                ('monthly_fee', fields.BigIntField()),
                ('connection_fee', fields.BigIntField(default=0)),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('is_archived', fields.BooleanField(default=False)),
            ],
            options={'table': 'services', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'An add-on service that can be connected to a number.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Subscriber',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone', fields.CharField(unique=True, max_length=16)),
                ('full_name', fields.CharField(default='', max_length=200)),
                ('password_hash', fields.CharField(null=True, max_length=256)),
                ('accepts_access_requests', fields.BooleanField(default=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'subscribers', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'A person who can sign in, by phone (E.164) and SMS code, or by password.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessRequestBlock',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('owner', fields.ForeignKeyField('kabinet.Subscriber', source_field='owner_id', db_constraint=True, to_field='id', related_name='blocked_requesters', on_delete=OnDelete.CASCADE)),
                ('requester', fields.ForeignKeyField('kabinet.Subscriber', source_field='requester_id', db_constraint=True, to_field='id', related_name='blocked_by_owners', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'access_request_blocks', 'app': 'kabinet', 'unique_together': (('owner_id', 'requester_id'),), 'pk_attr': 'id', 'table_description': 'An owner refuses any further access request from one requester.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Account',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('name', fields.CharField(max_length=200)),
                ('owner', fields.ForeignKeyField('kabinet.Subscriber', source_field='owner_id', db_constraint=True, to_field='id', related_name='accounts_owned', on_delete=OnDelete.RESTRICT)),
                ('parent', fields.ForeignKeyField('kabinet.Account', source_field='parent_id', null=True, db_constraint=True, to_field='id', related_name='children', on_delete=OnDelete.RESTRICT)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'accounts', 'app': 'kabinet', 'indexes': [Index(fields=['owner_id']), Index(fields=['parent_id'])], 'pk_attr': 'id', 'table_description': 'A billing account. Accounts form a tree: owning one means owning everything below it.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Tariff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('code', fields.CharField(unique=True, max_length=64)),
                ('name', fields.CharField(max_length=200)),
                ('description', fields.TextField(default='', unique=False)),
                ('monthly_fee', fields.BigIntField()),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('minutes', fields.IntField(null=True)),
                ('sms', fields.IntField(null=True)),
                ('data_mb', fields.IntField(null=True)),
                ('tags', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('is_archived', fields.BooleanField(default=False)),
                ('sort_order', fields.IntField(default=0)),
            ],
            options={'table': 'tariffs', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'A tariff plan. Bundles are per month, null means unlimited.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Number',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('msisdn', fields.CharField(unique=True, max_length=16)),
                ('label', fields.CharField(default='', max_length=100)),
                ('account', fields.ForeignKeyField('kabinet.Account', source_field='account_id', db_constraint=True, to_field='id', related_name='numbers', on_delete=OnDelete.RESTRICT)),
                ('user', fields.ForeignKeyField('kabinet.Subscriber', source_field='user_id', null=True, db_constraint=True, to_field='id', related_name='numbers_used', on_delete=OnDelete.SET_NULL)),
                ('tariff', fields.ForeignKeyField('kabinet.Tariff', source_field='tariff_id', db_constraint=True, to_field='id', related_name='numbers', on_delete=OnDelete.RESTRICT)),
                ('status', fields.CharEnumField(default=NumberStatus.ACTIVE, description='ACTIVE: ACTIVE\nBLOCKED: BLOCKED\nSUSPENDED: SUSPENDED\nCLOSED: CLOSED', enum_type=NumberStatus, max_length=16)),
                ('accepts_access_requests', fields.BooleanField(default=True)),
                ('activated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'numbers', 'app': 'kabinet', 'indexes': [Index(fields=['account_id']), Index(fields=['user_id'])], 'pk_attr': 'id', 'table_description': 'A line: MSISDN in E.164, one balance, one tariff, services and usage.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessGrant',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='grants', on_delete=OnDelete.CASCADE)),
                ('granted_by', fields.ForeignKeyField('kabinet.Subscriber', source_field='granted_by_id', db_constraint=True, to_field='id', related_name='grants_given', on_delete=OnDelete.RESTRICT)),
                ('grantee_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='grantee_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='grants_received', on_delete=OnDelete.CASCADE)),
                ('grantee_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='grantee_partner_id', null=True, db_constraint=True, to_field='id', related_name='grants_received', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='FULL: FULL\nTOPUP: TOPUP', enum_type=AccessLevel, max_length=8)),
                ('expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('topup_monthly_limit', fields.BigIntField(null=True)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'access_grants', 'app': 'kabinet', 'indexes': [Index(fields=['number_id']), Index(fields=['grantee_subscriber_id']), Index(fields=['grantee_partner_id'])], 'pk_attr': 'id', 'table_description': 'Delegated access to one number, to a subscriber or a partner app, until an expiry.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('msisdn', fields.CharField(max_length=16)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', null=True, db_constraint=True, to_field='id', related_name='access_requests', on_delete=OnDelete.CASCADE)),
                ('requester', fields.ForeignKeyField('kabinet.Subscriber', source_field='requester_id', db_constraint=True, to_field='id', related_name='access_requests_made', on_delete=OnDelete.CASCADE)),
                ('level', fields.CharEnumField(description='FULL: FULL\nTOPUP: TOPUP', enum_type=AccessLevel, max_length=8)),
                ('message', fields.CharField(default='', max_length=500)),
                ('status', fields.CharEnumField(default=AccessRequestStatus.PENDING, description='PENDING: PENDING\nAPPROVED: APPROVED\nDENIED: DENIED\nWITHDRAWN: WITHDRAWN\nEXPIRED: EXPIRED', enum_type=AccessRequestStatus, max_length=16)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('decided_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('grant', fields.ForeignKeyField('kabinet.AccessGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name='from_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'access_requests', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'status']), Index(fields=['requester_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "Someone asks a number's owner for a grant."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Balance',
            fields=[
                ('number', fields.OneToOneField('kabinet.Number', source_field='number_id', primary_key=True, db_index=True, db_constraint=True, to_field='id', related_name='balance', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField(default=0)),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'balances', 'app': 'kabinet', 'pk_attr': 'number_id', 'table_description': "A number's balance, kept in the same transaction as its ledger entries."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LedgerEntry',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.RESTRICT)),
                ('kind', fields.CharEnumField(description='TOPUP: TOPUP\nCHARGE: CHARGE\nFEE: FEE\nTRUST_CREDIT: TRUST_CREDIT\nTRUST_REPAYMENT: TRUST_REPAYMENT\nREFUND: REFUND\nADJUSTMENT: ADJUSTMENT', enum_type=LedgerKind, max_length=16)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('balance_after', fields.BigIntField()),
                ('idempotency_key', fields.CharField(unique=True, max_length=128)),
                ('actor_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='actor_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.SET_NULL)),
                ('actor_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='actor_partner_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.SET_NULL)),
                ('grant', fields.ForeignKeyField('kabinet.AccessGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name='ledger_entries', on_delete=OnDelete.SET_NULL)),
                ('reason', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'ledger_entries', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "An append-only money movement: a number's balance is the sum of its entries."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NumberService',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='services', on_delete=OnDelete.CASCADE)),
                ('service', fields.ForeignKeyField('kabinet.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='connections', on_delete=OnDelete.RESTRICT)),
                ('connected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'number_services', 'app': 'kabinet', 'unique_together': (('number_id', 'service_id'),), 'pk_attr': 'id', 'table_description': 'A service connected to a number.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceRequest',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='TARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nTOPUP: TOPUP\nTRUST_PAYMENT: TRUST_PAYMENT\nAUTOPAY: AUTOPAY\nUSAGE_EXPORT: USAGE_EXPORT', enum_type=RequestKind, max_length=24)),
                ('status', fields.CharEnumField(default=RequestStatus.PENDING, description='PENDING: PENDING\nIN_PROGRESS: IN_PROGRESS\nDONE: DONE\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=RequestStatus, max_length=16)),
                ('payload', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('kabinet.Subscriber', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name='service_requests', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'service_requests', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A request (заявка): the user-visible record of an operation on a number and its status.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='SupportTicket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='support_tickets', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', null=True, db_constraint=True, to_field='id', related_name='support_tickets', on_delete=OnDelete.SET_NULL)),
                ('subject', fields.CharField(max_length=200)),
                ('body', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=TicketStatus.OPEN, description='OPEN: OPEN\nANSWERED: ANSWERED\nCLOSED: CLOSED', enum_type=TicketStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'support_tickets', 'app': 'kabinet', 'indexes': [Index(fields=['subscriber_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A support ticket opened by a subscriber, optionally about one number.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='UsageRecord',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('external_id', fields.CharField(unique=True, max_length=64)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='usage_records', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='CALL: CALL\nSMS: SMS\nDATA: DATA', enum_type=UsageKind, max_length=8)),
                ('direction', fields.CharEnumField(description='IN: IN\nOUT: OUT', enum_type=UsageDirection, max_length=4)),
                ('counterpart', fields.CharField(default='', max_length=64)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('duration_seconds', fields.IntField(null=True)),
                ('bytes', fields.BigIntField(null=True)),
                ('cost', fields.BigIntField(default=0)),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('roaming_zone', fields.CharField(null=True, max_length=32)),
            ],
            options={'table': 'usage_records', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'started_at'])], 'pk_attr': 'id', 'table_description': 'One rated call, SMS or data session, as the network reports it.'},
            bases=['Model'],
        ),
    ]
