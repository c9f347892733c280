"""The author entity now lives in works (works.0003): drop it from profiles' state only.

Claims, disputes, claim events and suggestions point at works.Researcher, the same table; the
tables themselves stay as they are.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('collaboration', '0003_researcher_moves_to_works'),
        ('graph', '0003_researcher_moves_to_works'),
        ('profiles', '0006_prefix_index_matches_lookups'),
        ('works', '0003_researcher_moves_from_profiles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveField(
                    model_name='researcher',
                    name='last_known_institutions',
                ),
                migrations.RemoveField(
                    model_name='researcher',
                    name='merged_into',
                ),
                migrations.RemoveField(
                    model_name='researcher',
                    name='owner',
                ),
                migrations.AlterField(
                    model_name='claimevent',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claim_events', to='works.researcher'),
                ),
                migrations.RemoveField(
                    model_name='researchername',
                    name='researcher',
                ),
                migrations.RemoveField(
                    model_name='researchertopic',
                    name='researcher',
                ),
                migrations.AlterField(
                    model_name='dispute',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='disputes', to='works.researcher'),
                ),
                migrations.AlterField(
                    model_name='correctionsuggestion',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='correction_suggestions', to='works.researcher'),
                ),
                migrations.AlterField(
                    model_name='claim',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='claims', to='works.researcher'),
                ),
                migrations.RemoveField(
                    model_name='researchertopic',
                    name='topic',
                ),
                migrations.DeleteModel(
                    name='AuthorshipCorrection',
                ),
                migrations.DeleteModel(
                    name='ResearcherName',
                ),
                migrations.DeleteModel(
                    name='Researcher',
                ),
                migrations.DeleteModel(
                    name='ResearcherTopic',
                ),
            ],
        ),
    ]
