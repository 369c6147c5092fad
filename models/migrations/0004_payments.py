from tortoise import migrations
from tortoise.migrations import operations as ops
from models.payments import PaymentStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0003_grant_source')]

    initial = False

    operations = [
        ops.CreateModel(
            name='PaymentCard',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='payment_cards', on_delete=OnDelete.CASCADE)),
                ('brand', fields.CharField(max_length=32)),
                ('last4', fields.CharField(max_length=4)),
                ('exp_month', fields.IntField()),
                ('exp_year', fields.IntField()),
                ('provider', fields.CharField(max_length=32)),
                ('provider_token', fields.CharField(max_length=128)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('removed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payment_cards', 'app': 'kabinet', 'indexes': [Index(fields=['subscriber_id', 'removed_at'])], 'pk_attr': 'id', 'table_description': "A saved card: only what a person needs to recognise it, and the provider's token."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Payment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('status', fields.CharEnumField(default=PaymentStatus.PENDING, description='PENDING: PENDING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=PaymentStatus, max_length=16)),
                ('payer_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='payer_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('payer_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='payer_partner_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('grant', fields.ForeignKeyField('kabinet.AccessGrant', source_field='grant_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('card', fields.ForeignKeyField('kabinet.PaymentCard', source_field='card_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('provider', fields.CharField(max_length=32)),
                ('provider_reference', fields.CharField(null=True, max_length=128)),
                ('failure_code', fields.CharField(null=True, max_length=64)),
                ('idempotency_key', fields.CharField(unique=True, max_length=200)),
                ('request_hash', fields.CharField(max_length=64)),
                ('ledger_entry', fields.ForeignKeyField('kabinet.LedgerEntry', source_field='ledger_entry_id', null=True, db_constraint=True, to_field='id', related_name='payments', on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'payments', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'created_at']), Index(fields=['payer_subscriber_id', 'created_at']), Index(fields=['payer_partner_id', 'created_at']), Index(fields=['grant_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A top-up attempt through a payment provider. The balance is credited once, by the'},
            bases=['Model'],
        ),
    ]
