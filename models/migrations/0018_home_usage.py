from tortoise import migrations
from tortoise.migrations import operations as ops
from models.usage import UsageKind
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0017_home_contracts')]

    initial = False

    operations = [
        ops.AlterField(
            model_name='UsageRecord',
            name='kind',
            field=fields.CharEnumField(description='CALL: CALL\nSMS: SMS\nDATA: DATA\nTV: TV', enum_type=UsageKind, max_length=8),
        ),
    ]
