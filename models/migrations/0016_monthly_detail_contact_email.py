from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('kabinet', '0015_batch_indexes')]

    initial = False

    operations = [
        ops.RemoveField(model_name='MonthlyDetailEmail', name='email'),
    ]
