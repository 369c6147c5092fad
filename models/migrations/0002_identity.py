from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from models.identity import CodePurpose, SignInMethod
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0001_initial')]

    initial = False

    operations = [
        ops.CreateModel(
            name='AuditEvent',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('event', fields.CharField(max_length=48)),
                ('outcome', fields.CharField(max_length=32)),
                ('phone', fields.CharField(null=True, max_length=16)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', null=True, db_constraint=True, to_field='id', related_name='audit_events', on_delete=OnDelete.SET_NULL)),
                ('partner_client_id', fields.CharField(null=True, max_length=64)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('detail', fields.CharField(default='', max_length=200)),
            ],
            options={'table': 'audit_events', 'app': 'kabinet', 'indexes': [Index(fields=['phone', 'at']), Index(fields=['subscriber_id', 'at']), Index(fields=['event', 'at'])], 'pk_attr': 'id', 'table_description': 'A security event. Never holds a code, a password or a token.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='OneTimeCode',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('phone', fields.CharField(max_length=16)),
                ('purpose', fields.CharEnumField(description='SIGN_IN: SIGN_IN\nLINK_NUMBER: LINK_NUMBER', enum_type=CodePurpose, max_length=16)),
                ('requested_by', fields.ForeignKeyField('kabinet.Subscriber', source_field='requested_by_id', null=True, db_constraint=True, to_field='id', related_name='codes_requested', on_delete=OnDelete.CASCADE)),
                ('code_hash', fields.CharField(max_length=64)),
                ('attempts', fields.IntField(default=0)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('consumed_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'one_time_codes', 'app': 'kabinet', 'indexes': [Index(fields=['phone', 'purpose', 'created_at'])], 'pk_attr': 'id', 'table_description': 'A 6-digit code sent by SMS, kept only as a keyed hash.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RateCounter',
            fields=[
                ('key', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=160)),
                ('count', fields.IntField()),
                ('expires_at_ms', fields.BigIntField()),
            ],
            options={'table': 'rate_counters', 'app': 'kabinet', 'pk_attr': 'key', 'table_description': 'A counter with an expiry, shared by every gateway process through the database'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Session',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='sessions', on_delete=OnDelete.CASCADE)),
                ('method', fields.CharEnumField(description='CODE: CODE\nPASSWORD: PASSWORD', enum_type=SignInMethod, max_length=16)),
                ('user_agent', fields.CharField(default='', max_length=256)),
                ('ip', fields.CharField(default='', max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('last_used_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('revoked_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('revoke_reason', fields.CharField(null=True, max_length=64)),
            ],
            options={'table': 'sessions', 'app': 'kabinet', 'indexes': [Index(fields=['subscriber_id', 'revoked_at'])], 'pk_attr': 'id', 'table_description': 'One signed-in device. Revoking it kills its access and refresh tokens at once.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='AccessToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('session', fields.ForeignKeyField('kabinet.Session', source_field='session_id', null=True, db_constraint=True, to_field='id', related_name='access_tokens', on_delete=OnDelete.CASCADE)),
                ('partner_app', fields.ForeignKeyField('kabinet.PartnerApp', source_field='partner_app_id', null=True, db_constraint=True, to_field='id', related_name='access_tokens', on_delete=OnDelete.CASCADE)),
                ('scopes', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'access_tokens', 'app': 'kabinet', 'indexes': [Index(fields=['session_id']), Index(fields=['partner_app_id']), Index(fields=['expires_at'])], 'pk_attr': 'id', 'table_description': "A short-lived bearer token: a subscriber's (via a session) or a partner app's."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='RefreshToken',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('token_hash', fields.CharField(unique=True, max_length=64)),
                ('session', fields.ForeignKeyField('kabinet.Session', source_field='session_id', db_constraint=True, to_field='id', related_name='refresh_tokens', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('used_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'refresh_tokens', 'app': 'kabinet', 'indexes': [Index(fields=['session_id'])], 'pk_attr': 'id', 'table_description': 'Single use: rotating returns a new one, and presenting a used one revokes the session.'},
            bases=['Model'],
        ),
        ops.AlterModelOptions(
            name='Balance',
            options={'table': 'balances', 'app': 'kabinet', 'pk_attr': 'number_id', 'table_description': "A number's balance, kept in the same transaction as its ledger entries."},
        ),
    ]
