from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.accounts import BlockReason
from models.operations import OperationKind
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0010_exports')]

    initial = False

    operations = [
        ops.CreateModel(
            name='NumberLimits',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.OneToOneField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='limits', on_delete=OnDelete.CASCADE)),
                ('monthly_spend_cap', fields.BigIntField(null=True)),
                ('forbidden_service_categories', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('user_may_change_tariff', fields.BooleanField(default=True)),
                ('user_may_connect_services', fields.BooleanField(default=True)),
                ('set_by', fields.ForeignKeyField('kabinet.Subscriber', source_field='set_by_id', null=True, db_constraint=True, to_field='id', related_name='limits_set', on_delete=OnDelete.SET_NULL)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'number_limits', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': "What the owner lets the number's user (a child) do. No row: no limits."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NumberSettings',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.OneToOneField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='settings', on_delete=OnDelete.CASCADE)),
                ('roaming_enabled', fields.BooleanField(default=False)),
                ('call_forwarding', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'number_settings', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'Roaming and call forwarding of one number. No row: roaming off, no forwarding.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Number',
            name='block_operation_id',
            field=fields.BigIntField(null=True),
        ),
        ops.AddField(
            model_name='Number',
            name='block_reason',
            field=fields.CharEnumField(null=True, description='VOLUNTARY: VOLUNTARY\nLOST: LOST', enum_type=BlockReason, max_length=16),
        ),
        ops.AddField(
            model_name='Number',
            name='blocked_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Number',
            name='blocked_until',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddIndex(
            model_name='Number',
            index=Index(fields=['status', 'blocked_until']),
        ),
        ops.AlterField(
            model_name='Operation',
            name='kind',
            field=fields.CharEnumField(description='TARIFF_CHANGE: TARIFF_CHANGE\nSERVICE_CONNECT: SERVICE_CONNECT\nSERVICE_DISCONNECT: SERVICE_DISCONNECT\nBLOCK: BLOCK\nUNBLOCK: UNBLOCK\nTOPUP: TOPUP\nTRUST_PAYMENT: TRUST_PAYMENT\nAUTOPAY: AUTOPAY\nGRANT: GRANT\nGRANT_REVOKE: GRANT_REVOKE\nROAMING: ROAMING\nCALL_FORWARDING: CALL_FORWARDING\nLIMITS: LIMITS', enum_type=OperationKind, max_length=24),
        ),
    ]
