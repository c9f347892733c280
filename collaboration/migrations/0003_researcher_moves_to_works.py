"""Follows and invites point at works.Researcher: the same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collaboration', '0002_invites_conversations_digest'),
        ('works', '0003_researcher_moves_from_profiles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='follow',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='follows', to='works.researcher'),
                ),
                migrations.AlterField(
                    model_name='invite',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='invites', to='works.researcher'),
                ),
            ],
        ),
    ]
