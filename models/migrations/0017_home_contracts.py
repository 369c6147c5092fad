from tortoise import migrations
from tortoise.migrations import operations as ops
from models.accounts import LineKind
from models.catalog import CatalogSegment
from models.identity import CodePurpose, SignInMethod
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0016_monthly_detail_contact_email')]

    initial = False

    operations = [
        ops.CreateModel(
            name='HomeContract',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('line', fields.OneToOneField('kabinet.Number', source_field='line_id', db_constraint=True, to_field='id', related_name='home_contract', on_delete=OnDelete.CASCADE)),
                ('contract_number', fields.CharField(unique=True, max_length=20)),
                ('login', fields.CharField(max_length=64)),
                ('login_key', fields.CharField(unique=True, max_length=64)),
                ('password_hash', fields.CharField(null=True, max_length=255)),
                ('address', fields.CharField(max_length=300)),
                ('internet', fields.BooleanField(default=True)),
                ('tv', fields.BooleanField(default=False)),
                ('connected_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'home_contracts', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'A home internet and/or TV contract (договор): what a HOME line adds to its row.'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Number',
            options={'table': 'numbers', 'app': 'kabinet', 'indexes': [Index(fields=['account_id']), Index(fields=['user_id']), Index(fields=['status', 'blocked_until'])], 'pk_attr': 'id', 'table_description': 'A line (a phone number or a home contract): one balance, one tariff, services, usage.'},
        ),
        ops.AlterField(
            model_name='Number',
            name='msisdn',
            field=fields.CharField(null=True, unique=True, max_length=16),
        ),
        ops.AddField(
            model_name='Number',
            name='kind',
            field=fields.CharEnumField(default=LineKind.MOBILE, description='MOBILE: MOBILE\nHOME: HOME', enum_type=LineKind, max_length=8),
        ),
        ops.AlterField(
            model_name='OneTimeCode',
            name='purpose',
            field=fields.CharEnumField(description='SIGN_IN: SIGN_IN\nLINK_NUMBER: LINK_NUMBER\nLINK_CONTRACT: LINK_CONTRACT', enum_type=CodePurpose, max_length=16),
        ),
        ops.AddField(
            model_name='Service',
            name='segment',
            field=fields.CharEnumField(default=CatalogSegment.MOBILE, description='MOBILE: MOBILE\nHOME: HOME', enum_type=CatalogSegment, max_length=8),
        ),
        ops.AlterField(
            model_name='Session',
            name='method',
            field=fields.CharEnumField(description='CODE: CODE\nPASSWORD: PASSWORD\nCONTRACT: CONTRACT', enum_type=SignInMethod, max_length=16),
        ),
        ops.AddField(
            model_name='Session',
            name='line',
            field=fields.ForeignKeyField('kabinet.Number', source_field='line_id', null=True, db_constraint=True, to_field='id', related_name='contract_sessions', on_delete=OnDelete.CASCADE),
        ),
        ops.AddField(
            model_name='Tariff',
            name='segment',
            field=fields.CharEnumField(default=CatalogSegment.MOBILE, description='MOBILE: MOBILE\nHOME: HOME', enum_type=CatalogSegment, max_length=8),
        ),
        ops.AddField(
            model_name='Tariff',
            name='speed_mbps',
            field=fields.IntField(null=True),
        ),
        ops.AddField(
            model_name='Tariff',
            name='tv_channels',
            field=fields.IntField(null=True),
        ),
    ]
