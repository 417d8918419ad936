# Session credentials: a conversation belongs to whoever holds its token.

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('assistant', '0005_dialogue_memory'),
    ]

    operations = [
        migrations.AddField(
            model_name='conversation',
            name='token_hash',
            field=models.CharField(blank=True, max_length=64),
        ),
        migrations.AlterField(
            model_name='conversation',
            name='session_id',
            field=models.CharField(max_length=160, unique=True),
        ),
    ]
