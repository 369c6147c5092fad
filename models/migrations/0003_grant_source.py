from tortoise import migrations
from tortoise.migrations import operations as ops
from models.access import GrantSource
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0002_identity')]

    initial = False

    operations = [
        ops.AddField(
            model_name='AccessGrant',
            name='source',
            field=fields.CharEnumField(default=GrantSource.DIRECT, description='DIRECT: DIRECT\nLINK: LINK\nREQUEST: REQUEST', enum_type=GrantSource, max_length=8),
        ),
    ]
