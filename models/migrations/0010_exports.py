from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.exports import ExportFormat, ExportStatus
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0009_usage_detail')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ExportJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='export_jobs', on_delete=OnDelete.CASCADE)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', null=True, db_constraint=True, to_field='id', related_name='export_jobs', on_delete=OnDelete.CASCADE)),
                ('partner_app', fields.ForeignKeyField('kabinet.PartnerApp', source_field='partner_app_id', null=True, db_constraint=True, to_field='id', related_name='export_jobs', on_delete=OnDelete.CASCADE)),
                ('scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('format', fields.CharEnumField(description='CSV: CSV\nXLSX: XLSX\nPDF: PDF', enum_type=ExportFormat, max_length=8)),
                ('status', fields.CharEnumField(default=ExportStatus.QUEUED, description='QUEUED: QUEUED\nRUNNING: RUNNING\nSUCCEEDED: SUCCEEDED\nFAILED: FAILED', enum_type=ExportStatus, max_length=16)),
                ('usage_filter', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('progress', fields.IntField(default=0)),
                ('row_count', fields.IntField(null=True)),
                ('attempts', fields.IntField(default=0)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('storage_key', fields.CharField(null=True, max_length=200)),
                ('size_bytes', fields.BigIntField(null=True)),
                ('error_message', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('available_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'export_jobs', 'app': 'kabinet', 'indexes': [Index(fields=['status', 'locked_until']), Index(fields=['subscriber_id', 'created_at'])], 'pk_attr': 'id', 'table_description': "One export of a number's usage detail, asked for by a subscriber or a partner app"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MonthlyDetailEmail',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='monthly_detail_emails', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='monthly_detail_emails', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'monthly_detail_emails', 'app': 'kabinet', 'unique_together': (('subscriber', 'number'),), 'pk_attr': 'id', 'table_description': "A subscriber's wish to get a number's previous month of usage detail as a PDF by"},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MonthlyDetailSend',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='monthly_detail_sends', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='monthly_detail_sends', on_delete=OnDelete.CASCADE)),
                ('month', fields.CharField(max_length=7)),
                ('locked_until', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('outcome', fields.CharField(null=True, max_length=300)),
            ],
            options={'table': 'monthly_detail_sends', 'app': 'kabinet', 'unique_together': (('number', 'subscriber', 'month'),), 'pk_attr': 'id', 'table_description': "One month's detail of one number for one subscriber: claimed by the worker that sends"},
            bases=['Model'],
        ),
    ]
