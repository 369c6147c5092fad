from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.operations import ActorRole, OperationKind, OperationStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0006_catalogue')]

    initial = False

    operations = [
        ops.CreateModel(
            name='Operation',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='TARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nTOPUP: TOPUP\nTRUST_PAYMENT: TRUST_PAYMENT\nAUTOPAY: AUTOPAY\nGRANT: GRANT\nGRANT_REVOKE: GRANT_REVOKE', enum_type=OperationKind, max_length=24)),
                ('status', fields.CharEnumField(description='CREATED: CREATED\nCOMPLETED: COMPLETED\nFAILED: FAILED\nCANCELLED: CANCELLED', enum_type=OperationStatus, max_length=16)),
                ('details', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('failure_reason', fields.CharField(null=True, max_length=300)),
                ('actor_role', fields.CharEnumField(description='NUMBER_USER: NUMBER_USER\nOWNER: OWNER\nDELEGATE: DELEGATE\nPARTNER_APP: PARTNER_APP\nSYSTEM: SYSTEM', enum_type=ActorRole, max_length=16)),
                ('actor_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='actor_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.SET_NULL)),
                ('actor_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='actor_partner_id', null=True, db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.SET_NULL)),
                ('grant', fields.ForeignKeyField('kabinet.AccessGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.SET_NULL)),
                ('ledger_entry', fields.ForeignKeyField('kabinet.LedgerEntry', source_field='ledger_entry_id', null=True, db_constraint=True, to_field='id', related_name='operations', on_delete=OnDelete.SET_NULL)),
                ('idempotency_key', fields.CharField(null=True, unique=True, max_length=160)),
                ('request_hash', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('scheduled_for', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'operations', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'created_at']), Index(fields=['status', 'scheduled_for'])], 'pk_attr': 'id', 'table_description': 'One operation on a number (tariff change, service, block, top-up, trust payment,'},
            bases=['Model'],
        ),
    ]
