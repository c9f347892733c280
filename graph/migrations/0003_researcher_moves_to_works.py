"""Graph slices point at works.Researcher: the same table, so state only."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('graph', '0002_slice_claimed_by'),
        ('works', '0003_researcher_moves_from_profiles'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='graphslice',
                    name='researcher',
                    field=models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='graph_slice', to='works.researcher'),
                ),
            ],
        ),
    ]
