from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0014_support_tickets')]

    initial = False

    operations = [
        ops.AddIndex(
            model_name='LedgerEntry',
            index=Index(fields=['number_id', 'id']),
        ),
        ops.AddIndex(
            model_name='Payment',
            index=Index(fields=['number_id', 'id']),
        ),
    ]
