from tortoise import migrations
from tortoise.migrations import operations as ops
from models.support import TicketSide, TicketStatus, TicketTopic
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

# The first ticket table (0001) was never written to: it is replaced, not altered, so
# SQLite needs no table rebuild.
class Migration(migrations.Migration):
    dependencies = [('kabinet', '0013_notifications_profile')]

    initial = False

    operations = [
        ops.DeleteModel(name='SupportTicket'),
        ops.CreateModel(
            name='SupportTicket',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('number', fields.ForeignKeyField('kabinet.Number', source_field='number_id', db_constraint=True, to_field='id', related_name='support_tickets', on_delete=OnDelete.CASCADE)),
                ('subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='subscriber_id', db_constraint=True, to_field='id', related_name='support_tickets', on_delete=OnDelete.CASCADE)),
                ('opened_by_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='opened_by_partner_id', null=True, db_constraint=True, to_field='id', related_name='support_tickets', on_delete=OnDelete.SET_NULL)),
                ('topic', fields.CharEnumField(description='BILLING: BILLING\nTARIFF: TARIFF\nNETWORK: NETWORK\nNUMBER: NUMBER\nOTHER: OTHER', enum_type=TicketTopic, max_length=16)),
                ('status', fields.CharEnumField(description='ACKNOWLEDGED: ACKNOWLEDGED\nIN_PROGRESS: IN_PROGRESS\nPENDING_CUSTOMER: PENDING_CUSTOMER\nRESOLVED: RESOLVED\nCLOSED: CLOSED', enum_type=TicketStatus, max_length=16)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('updated_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('resolved_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'support_tickets', 'app': 'kabinet', 'indexes': [Index(fields=['number_id', 'created_at']), Index(fields=['subscriber_id', 'status']), Index(fields=['status', 'id'])], 'pk_attr': 'id', 'table_description': 'A support ticket about one number: its topic and status. The text is in its first'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketEvent',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('kabinet.SupportTicket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.CASCADE)),
                ('from_status', fields.CharEnumField(null=True, description='ACKNOWLEDGED: ACKNOWLEDGED\nIN_PROGRESS: IN_PROGRESS\nPENDING_CUSTOMER: PENDING_CUSTOMER\nRESOLVED: RESOLVED\nCLOSED: CLOSED', enum_type=TicketStatus, max_length=16)),
                ('to_status', fields.CharEnumField(description='ACKNOWLEDGED: ACKNOWLEDGED\nIN_PROGRESS: IN_PROGRESS\nPENDING_CUSTOMER: PENDING_CUSTOMER\nRESOLVED: RESOLVED\nCLOSED: CLOSED', enum_type=TicketStatus, max_length=16)),
                ('side', fields.CharEnumField(description='SUBSCRIBER: SUBSCRIBER\nOPERATOR: OPERATOR', enum_type=TicketSide, max_length=16)),
                ('actor_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='actor_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='ticket_events', on_delete=OnDelete.SET_NULL)),
                ('actor_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='actor_partner_id', null=True, db_constraint=True, to_field='id', related_name='ticket_events', on_delete=OnDelete.SET_NULL)),
                ('operator', fields.CharField(null=True, max_length=64)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket_events', 'app': 'kabinet', 'indexes': [Index(fields=['ticket_id', 'id'])], 'pk_attr': 'id', 'table_description': "A ticket's status change: from what, to what, who moved it and when."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='TicketMessage',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('ticket', fields.ForeignKeyField('kabinet.SupportTicket', source_field='ticket_id', db_constraint=True, to_field='id', related_name='messages', on_delete=OnDelete.CASCADE)),
                ('side', fields.CharEnumField(description='SUBSCRIBER: SUBSCRIBER\nOPERATOR: OPERATOR', enum_type=TicketSide, max_length=16)),
                ('author_subscriber', fields.ForeignKeyField('kabinet.Subscriber', source_field='author_subscriber_id', null=True, db_constraint=True, to_field='id', related_name='ticket_messages', on_delete=OnDelete.SET_NULL)),
                ('author_partner', fields.ForeignKeyField('kabinet.PartnerApp', source_field='author_partner_id', null=True, db_constraint=True, to_field='id', related_name='ticket_messages', on_delete=OnDelete.SET_NULL)),
                ('operator', fields.CharField(null=True, max_length=64)),
                ('text', fields.TextField(unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'ticket_messages', 'app': 'kabinet', 'indexes': [Index(fields=['ticket_id', 'id'])], 'pk_attr': 'id', 'table_description': "One message of a ticket, from the subscriber's side or the operator's. The text is"},
            bases=['Model'],
        ),
    ]
