"""An event's inbox entries are made with it; the events before were told when sent."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("editorial", "0014_assignment_queue_indexes"),
    ]

    operations = [
        # The events already recorded: their entries are made, if still owed, by the rule
        # when their notices are sent, as before (editorial.notifications).
        migrations.AddField(
            model_name="auditevent",
            name="recipients_recorded",
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name="auditevent",
            name="recipients_recorded",
            field=models.BooleanField(
                default=True,
                help_text="Whether its inbox entries were made with it, by who was concerned "
                "then. Events recorded before migration 0015 were told whoever was concerned "
                "when sent.",
            ),
        ),
    ]
