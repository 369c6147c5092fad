from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0005_trust_autopay')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ServiceExclusion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('kabinet.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='exclusions', on_delete=OnDelete.CASCADE)),
                ('excluded', fields.ForeignKeyField('kabinet.Service', source_field='excluded_id', db_constraint=True, to_field='id', related_name='excluded_by', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'service_exclusions', 'app': 'kabinet', 'unique_together': (('service_id', 'excluded_id'),), 'pk_attr': 'id', 'table_description': 'Two services that cannot be connected together, stored once per pair (either way).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ServiceTariff',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('service', fields.ForeignKeyField('kabinet.Service', source_field='service_id', db_constraint=True, to_field='id', related_name='tariff_links', on_delete=OnDelete.CASCADE)),
                ('tariff', fields.ForeignKeyField('kabinet.Tariff', source_field='tariff_id', db_constraint=True, to_field='id', related_name='service_links', on_delete=OnDelete.CASCADE)),
            ],
            options={'table': 'service_tariffs', 'app': 'kabinet', 'unique_together': (('service_id', 'tariff_id'),), 'pk_attr': 'id', 'table_description': 'A tariff a service fits, for services that do not fit every tariff.'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Service',
            name='available_at_zero_balance',
            field=fields.BooleanField(default=False),
        ),
        ops.AddField(
            model_name='Service',
            name='data_mb',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Service',
            name='fits_every_tariff',
            field=fields.BooleanField(default=True),
        ),
        ops.AddField(
            model_name='Service',
            name='minutes',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Service',
            name='sms',
            field=fields.IntField(default=0),
        ),
        ops.AddField(
            model_name='Tariff',
            name='mb_price',
            field=fields.BigIntField(default=0),
        ),
        ops.AddField(
            model_name='Tariff',
            name='minute_price',
            field=fields.BigIntField(default=0),
        ),
        ops.AddField(
            model_name='Tariff',
            name='sms_price',
            field=fields.BigIntField(default=0),
        ),
    ]
