from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0007_operations')]

    initial = False

    operations = [
        ops.CreateModel(
            name='SandboxCharge',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=200)),
                ('succeeded', fields.BooleanField()),
                ('reference', fields.CharField(null=True, max_length=64)),
                ('failure_code', fields.CharField(null=True, max_length=64)),
                ('amount', fields.BigIntField()),
                ('currency', fields.CharField(max_length=3)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'sandbox_charges', 'app': 'kabinet', 'pk_attr': 'id', 'table_description': 'A charge the sandbox provider made, by the idempotency key it was asked with'},
            bases=['Model'],
        ),
    ]
