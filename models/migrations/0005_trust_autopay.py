from tortoise import migrations
from tortoise.migrations import operations as ops
from models.payments import AutopayKind, TrustStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0004_payments')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AutopayRule',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.OneToOneField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='autopay', on_delete=OnDelete.CASCADE)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='autopay_rules', on_delete=OnDelete.CASCADE)),
                ('card', fields.ForeignKeyField('kabinet.PaymentCard', source_field='card_id', db_constraint=True, to_field='id', related_name='autopay_rules', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='THRESHOLD: THRESHOLD\nMONTHLY: MONTHLY', enum_type=AutopayKind, max_length=16)),
                ('amount', fields.BigIntField()),
                ('threshold', fields.BigIntField(null=True)),
                ('day_of_month', fields.IntField(null=True)),
                ('monthly_cap', fields.BigIntField(null=True)),
                ('armed', fields.BooleanField(default=True)),
                ('last_run_month', fields.CharField(null=True, max_length=7)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'autopay_rules', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': "One autopay rule per number. It pays from a saved card of the rule's owner."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AutopayRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('rule', fields.ForeignKeyField('kabinet.AutopayRule', source_field='rule_id', db_constraint=True, to_field='id', related_name='runs', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='autopay_runs', on_delete=OnDelete.CASCADE)),
                ('payment', fields.ForeignKeyField('kabinet.Payment', source_field='payment_id', null=True, db_constraint=True, to_field='id', related_name='autopay_runs', on_delete=OnDelete.SET_NULL)),
                ('outcome', fields.CharField(max_length=32)),
                ('detail', fields.CharField(default='', max_length=200)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'autopay_runs', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'at'])], 'pk_attr': 'id', 'table_description': 'A record of every autopay attempt, successful or not.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TrustPayment',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='trust_payments', on_delete=OnDelete.RESTRICT)),
                ('amount', fields.BigIntField()),
                ('fee', fields.BigIntField()),
                ('outstanding', fields.BigIntField()),
                ('currency', fields.CharField(default='RUB', max_length=3)),
                ('status', fields.CharEnumField(default=TrustStatus.ACTIVE, description='ACTIVE: ACTIVE\nREPAID: REPAID', enum_type=TrustStatus, max_length=8)),
                ('taken_by', fields.ForeignKeyField('kabinet.Subscriber', source_field='taken_by_id', null=True, db_constraint=True, to_field='id', related_name='trust_payments', on_delete=OnDelete.SET_NULL)),
                ('taken_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('due_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('repaid_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'trust_payments', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'status'])], 'pk_attr': 'id', 'table_description': 'Credit taken on trust (доверительный платёж), repaid first by the next top-ups.'},
            bases=['Model'],
        ),
    ]
