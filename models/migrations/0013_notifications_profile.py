from tortoise import migrations
from tortoise.migrations import operations as ops
from models.notifications import NotificationChannel, NotificationStatus, NotificationTopic
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0012_request_history')]

    initial = False

    operations = [
        ops.CreateModel(
            name='EmailConfirmation',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='email_confirmations', on_delete=OnDelete.CASCADE)),
                ('email', fields.CharField(max_length=254)),
                ('code_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'email_confirmations', 'app': 'kabinet', 'indexes': [Index(fields=['subscriber_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A code sent to an address the subscriber wants as their contact e-mail: kept only as'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LowBalanceThreshold',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='low_balance_thresholds', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='low_balance_thresholds', on_delete=OnDelete.CASCADE)),
                ('amount', fields.BigIntField()),
            ],
            options={'table': 'low_balance_thresholds', 'app': 'kabinet', 'unique_together': (('subscriber_id', 'number_id'),), 'indexes': [Index(fields=['number_id'])], 'pk_attr': 'id', 'table_description': 'Below this balance a debit on the number notifies the subscriber (minor units).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Notification',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.CASCADE)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', null=True, db_constraint=True, to_field='id', related_name='notifications', on_delete=OnDelete.SET_NULL)),
                ('topic', fields.CharEnumField(null=True, description='CHARGES: CHARGES\nTOPUPS: TOPUPS\nLOW_BALANCE: LOW_BALANCE\nACCESS: ACCESS\nTICKETS: TICKETS\nBLOCKS: BLOCKS\nLIMITS: LIMITS', enum_type=NotificationTopic, max_length=16)),
                ('channel', fields.CharEnumField(description='SMS: SMS\nEMAIL: EMAIL', enum_type=NotificationChannel, max_length=8)),
                ('address', fields.CharField(max_length=254)),
                ('subject', fields.CharField(max_length=200)),
                ('text', fields.TextField(unique=False)),
                ('status', fields.CharEnumField(default=NotificationStatus.PENDING, description='PENDING: PENDING\nSENT: SENT\nFAILED: FAILED', enum_type=NotificationStatus, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_error', fields.CharField(null=True, max_length=300)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'notifications', 'app': 'kabinet', 'indexes': [Index(fields=['status', 'next_attempt_at']), Index(fields=['subscriber_id', 'created_at'])], 'pk_attr': 'id', 'table_description': 'The outbox: one message to one address by one channel, written in the transaction of'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='notification_preferences', on_delete=OnDelete.CASCADE)),
                ('topic', fields.CharEnumField(description='CHARGES: CHARGES\nTOPUPS: TOPUPS\nLOW_BALANCE: LOW_BALANCE\nACCESS: ACCESS\nTICKETS: TICKETS\nBLOCKS: BLOCKS\nLIMITS: LIMITS', enum_type=NotificationTopic, max_length=16)),
                ('sms', fields.BooleanField()),
                ('email', fields.BooleanField()),
            ],
            options={'table': 'notification_preferences', 'app': 'kabinet', 'unique_together': (('subscriber_id', 'topic'),), 'pk_attr': 'id', 'table_description': "The channels a subscriber chose for one topic. No row: the topic's defaults."},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Subscriber',
            name='contact_email',
            field=fields.CharField(null=True, max_length=254),
        ),
        ops.AddField(
            model_name='Subscriber',
            name='contact_email_confirmed_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Subscriber',
            name='login_alias',
            field=fields.CharField(null=True, max_length=32),
        ),
        ops.AddField(
            model_name='Subscriber',
            name='login_alias_key',
            field=fields.CharField(null=True, unique=True, max_length=32),
        ),
    ]
