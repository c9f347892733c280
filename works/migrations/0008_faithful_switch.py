"""The faithful import, step 3 of 3: bylines as published, links through the new tables.

A byline place is unique per work (one person may hold two places); the old unique pair (work,
researcher) goes. The authorship institutions and the researcher's affiliations now run
through the tables step 2 filled; the old link tables are dropped.
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("works", "0007_faithful_data"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="authorship",
            name="authorship_unique_work_researcher",
        ),
        migrations.AddConstraint(
            model_name="authorship",
            constraint=models.UniqueConstraint(
                fields=("work", "order"), name="authorship_unique_place"
            ),
        ),
        migrations.RemoveField(
            model_name="authorship",
            name="institutions",
        ),
        migrations.AddField(
            model_name="authorship",
            name="institutions",
            field=models.ManyToManyField(
                blank=True,
                related_name="authorships",
                through="works.AuthorshipInstitution",
                to="works.institution",
            ),
        ),
        migrations.RemoveField(
            model_name="researcher",
            name="last_known_institutions",
        ),
        migrations.AddField(
            model_name="researcher",
            name="institutions",
            field=models.ManyToManyField(
                blank=True,
                related_name="researchers",
                through="works.ResearcherInstitution",
                to="works.institution",
            ),
        ),
    ]
