from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("assistant", "0006_conversation_token"),
    ]

    operations = [
        migrations.AddField(
            model_name="conversation",
            name="last_question",
            field=models.CharField(blank=True, max_length=300),
        ),
    ]
