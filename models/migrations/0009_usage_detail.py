from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0008_sandbox_charges')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Subscriber',
            name='time_zone',
            field=fields.CharField(default='Europe/Moscow', max_length=64),
        ),
        ops.RemoveIndex(
            model_name='UsageRecord',
            name=None,
            fields=['number_id', 'started_at'],
        ),
        ops.AddIndex(
            model_name='UsageRecord',
            index=Index(fields=['number_id', 'started_at', 'id']),
        ),
    ]
