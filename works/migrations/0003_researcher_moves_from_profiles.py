"""The author entity moves from profiles to works, keeping its tables (no data moves).

State only: Researcher, ResearcherName, ResearcherTopic and AuthorshipCorrection are declared
here over their existing ``profiles_*`` tables, and Authorship.researcher now points at
works.Researcher (the same table, so its foreign key constraint stands). The content types
follow, so that admin log entries and permissions keep pointing at the same models.
profiles.0007 drops the old state once graph and collaboration point here too.
"""

import django.db.models.deletion
import django.db.models.functions.text
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


MOVED = ["researcher", "researchername", "researchertopic", "authorshipcorrection"]


def move_content_types(apps, schema_editor, *, source="profiles", target="works"):
    """Relabel the moved models' content types, so admin log entries and permissions follow."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            continue  # created meanwhile (post_migrate); the old row, if any, stays as it was
        ContentType.objects.using(db).filter(app_label=source, model=model).update(
            app_label=target
        )


def move_content_types_back(apps, schema_editor):
    move_content_types(apps, schema_editor, source="works", target="profiles")


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0002_merged_author_ids'),
        # The tables were created by profiles' migrations.
        ('profiles', '0006_prefix_index_matches_lookups'),
        ('contenttypes', '0002_remove_content_type_name'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='Researcher',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('openalex_id', models.CharField(blank=True, max_length=32, null=True, unique=True)),
                        ('orcid', models.CharField(blank=True, db_index=True, max_length=19, verbose_name='ORCID iD')),
                        ('display_name', models.CharField(max_length=500)),
                        ('display_name_alternatives', models.JSONField(blank=True, default=list)),
                        ('headline', models.CharField(blank=True, max_length=300)),
                        ('open_to_collaborate', models.BooleanField(default=True)),
                        ('verification_level', models.PositiveSmallIntegerField(choices=[(0, 'L0 Unverified'), (1, 'L1 Public record'), (2, 'L2 Claimed'), (3, 'L3 Verified')], default=0)),
                        ('claim_status', models.CharField(choices=[('unclaimed', 'Unclaimed author'), ('pending', 'Claim pending'), ('claimed', 'Claimed'), ('verified', 'Verified')], default='unclaimed', max_length=10)),
                        ('works_count', models.PositiveIntegerField(default=0)),
                        ('followers_count', models.PositiveIntegerField(default=0)),
                        ('topics_count', models.PositiveIntegerField(default=0)),
                        ('close_collaborators_count', models.PositiveIntegerField(default=0)),
                        ('cited_by_count', models.PositiveBigIntegerField(default=0)),
                        ('trust_score', models.PositiveSmallIntegerField(default=0)),
                        ('trust_rubric_version', models.PositiveSmallIntegerField(default=1)),
                        ('search_text', models.TextField(blank=True, default='')),
                        ('merged_at', models.DateTimeField(blank=True, null=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('last_known_institutions', models.ManyToManyField(blank=True, related_name='current_researchers', to='works.institution')),
                        ('merged_into', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='merged_records', to='works.researcher')),
                        ('owner', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='owned_researchers', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'profiles_researcher',
                        'ordering': ['display_name', 'id'],
                    },
                ),
                migrations.CreateModel(
                    name='AuthorshipCorrection',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('kind', models.CharField(choices=[('removed', 'Removed by the owner'), ('asserted', 'Added by the owner')], max_length=10)),
                        ('reason', models.TextField(blank=True)),
                        ('removed_authorship', models.JSONField(blank=True, default=dict)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('work', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorship_corrections', to='works.work')),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorship_corrections', to='works.researcher')),
                    ],
                    options={
                        'db_table': 'profiles_authorshipcorrection',
                        'ordering': ['-created_at', '-id'],
                    },
                ),
                migrations.AlterField(
                    model_name='authorship',
                    name='researcher',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorships', to='works.researcher'),
                ),
                migrations.CreateModel(
                    name='ResearcherName',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('key', models.CharField(max_length=255)),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='name_keys', to='works.researcher')),
                    ],
                    options={
                        'db_table': 'profiles_researchername',
                    },
                ),
                migrations.CreateModel(
                    name='ResearcherTopic',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('works_count', models.PositiveIntegerField(default=0)),
                        ('researcher', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='topic_links', to='works.researcher')),
                        ('topic', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='researcher_links', to='works.topic')),
                    ],
                    options={
                        'db_table': 'profiles_researchertopic',
                    },
                ),
                migrations.AddIndex(
                    model_name='researcher',
                    index=models.Index(fields=['-trust_score', '-works_count'], name='researcher_rank_idx'),
                ),
                migrations.AddIndex(
                    model_name='researcher',
                    index=models.Index(django.db.models.functions.text.Lower('display_name'), name='researcher_name_lower_idx'),
                ),
                migrations.AddConstraint(
                    model_name='researcher',
                    constraint=models.CheckConstraint(condition=models.Q(('trust_score__lte', 100)), name='researcher_trust_score_max_100'),
                ),
                migrations.AddConstraint(
                    model_name='researcher',
                    constraint=models.CheckConstraint(condition=models.Q(('verification_level__lte', 3)), name='researcher_verification_level_valid'),
                ),
                migrations.AddConstraint(
                    model_name='researcher',
                    constraint=models.CheckConstraint(condition=models.Q(models.Q(('claim_status__in', ['claimed', 'verified']), ('owner__isnull', False)), models.Q(('claim_status__in', ['unclaimed', 'pending']), ('owner__isnull', True)), _connector='OR'), name='researcher_owner_matches_claim_status'),
                ),
                migrations.AddConstraint(
                    model_name='researcher',
                    constraint=models.CheckConstraint(condition=models.Q(('merged_into', models.F('pk')), _negated=True), name='researcher_not_merged_into_itself'),
                ),
                migrations.AddConstraint(
                    model_name='researcher',
                    constraint=models.CheckConstraint(condition=models.Q(('merged_into__isnull', True), ('owner__isnull', True), _connector='OR'), name='researcher_merged_has_no_owner'),
                ),
                migrations.AddIndex(
                    model_name='authorshipcorrection',
                    index=models.Index(fields=['work'], name='authorshipcorrection_work_idx'),
                ),
                migrations.AddConstraint(
                    model_name='authorshipcorrection',
                    constraint=models.UniqueConstraint(fields=('researcher', 'work'), name='authorshipcorrection_unique_pair'),
                ),
                migrations.AddConstraint(
                    model_name='authorshipcorrection',
                    constraint=models.CheckConstraint(condition=models.Q(('kind__in', ['removed', 'asserted'])), name='authorshipcorrection_kind_valid'),
                ),
                migrations.AddConstraint(
                    model_name='researchername',
                    constraint=models.UniqueConstraint(fields=('key', 'researcher'), name='researchername_unique_key'),
                ),
                migrations.AddIndex(
                    model_name='researchertopic',
                    index=models.Index(fields=['topic', 'researcher'], name='researchertopic_topic_idx'),
                ),
                migrations.AddConstraint(
                    model_name='researchertopic',
                    constraint=models.UniqueConstraint(fields=('researcher', 'topic'), name='researchertopic_unique_pair'),
                ),
            ],
        ),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
