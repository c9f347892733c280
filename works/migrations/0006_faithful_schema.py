"""The faithful import, step 1 of 3: new tables and columns, all additive.

The stored OpenAlex documents (OpenAlexRecord), concepts, publishers and funders; authorships as
published (unlinked bylines, raw affiliation strings, countries, institutions in order);
affiliations with years; the source's own figures. Steps 2 (data) and 3 (the switch of the
authorship uniqueness and of the two many-to-many links) follow.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('works', '0005_german_spellings_in_name_keys'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuthorshipInstitution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('order', models.PositiveSmallIntegerField(default=0)),
            ],
        ),
        migrations.CreateModel(
            name='Concept',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('openalex_id', models.CharField(blank=True, max_length=32, null=True, unique=True)),
                ('updated_date', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('works_count', models.PositiveIntegerField(blank=True, null=True)),
                ('cited_by_count', models.PositiveBigIntegerField(blank=True, null=True)),
                ('h_index', models.PositiveIntegerField(blank=True, null=True)),
                ('i10_index', models.PositiveIntegerField(blank=True, null=True)),
                ('two_year_mean_citedness', models.FloatField(blank=True, null=True)),
                ('counts_by_year', models.JSONField(blank=True, default=list)),
                ('display_name', models.CharField(max_length=500)),
                ('level', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('wikidata', models.CharField(blank=True, max_length=500)),
            ],
            options={
                'ordering': ['display_name'],
            },
        ),
        migrations.CreateModel(
            name='Funder',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('openalex_id', models.CharField(blank=True, max_length=32, null=True, unique=True)),
                ('updated_date', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('works_count', models.PositiveIntegerField(blank=True, null=True)),
                ('cited_by_count', models.PositiveBigIntegerField(blank=True, null=True)),
                ('h_index', models.PositiveIntegerField(blank=True, null=True)),
                ('i10_index', models.PositiveIntegerField(blank=True, null=True)),
                ('two_year_mean_citedness', models.FloatField(blank=True, null=True)),
                ('counts_by_year', models.JSONField(blank=True, default=list)),
                ('display_name', models.CharField(max_length=500)),
                ('country_code', models.CharField(blank=True, max_length=2)),
                ('homepage_url', models.URLField(blank=True, max_length=500)),
            ],
            options={
                'ordering': ['display_name'],
            },
        ),
        migrations.CreateModel(
            name='OpenAlexRecord',
            fields=[
                ('openalex_id', models.CharField(max_length=32, primary_key=True, serialize=False)),
                ('record', models.JSONField()),
            ],
        ),
        migrations.CreateModel(
            name='Publisher',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('openalex_id', models.CharField(blank=True, max_length=32, null=True, unique=True)),
                ('updated_date', models.DateTimeField(blank=True, null=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('works_count', models.PositiveIntegerField(blank=True, null=True)),
                ('cited_by_count', models.PositiveBigIntegerField(blank=True, null=True)),
                ('h_index', models.PositiveIntegerField(blank=True, null=True)),
                ('i10_index', models.PositiveIntegerField(blank=True, null=True)),
                ('two_year_mean_citedness', models.FloatField(blank=True, null=True)),
                ('counts_by_year', models.JSONField(blank=True, default=list)),
                ('display_name', models.CharField(max_length=500)),
                ('hierarchy_level', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('country_codes', models.JSONField(blank=True, default=list)),
                ('homepage_url', models.URLField(blank=True, max_length=500)),
            ],
            options={
                'ordering': ['display_name'],
            },
        ),
        migrations.CreateModel(
            name='ResearcherInstitution',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('first_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('last_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('last_known', models.BooleanField(default=False)),
                ('in_record', models.BooleanField(default=False)),
                ('record_first_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('record_last_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('works_count', models.PositiveIntegerField(default=0)),
                ('works_first_year', models.PositiveSmallIntegerField(blank=True, null=True)),
                ('works_last_year', models.PositiveSmallIntegerField(blank=True, null=True)),
            ],
        ),
        migrations.CreateModel(
            name='WorkConcept',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('score', models.FloatField(default=0)),
            ],
        ),
        migrations.AddField(
            model_name='authorship',
            name='countries',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='authorship',
            name='is_corresponding',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='authorship',
            name='raw_affiliation_strings',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='institution',
            name='cited_by_count',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='institution',
            name='counts_by_year',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='institution',
            name='h_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='institution',
            name='i10_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='institution',
            name='two_year_mean_citedness',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='institution',
            name='updated_date',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='institution',
            name='works_count',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='counts_by_year',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='researcher',
            name='figures_cited_by_count',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='figures_from',
            field=models.CharField(blank=True, choices=[('openalex', 'OpenAlex author record'), ('held', 'Computed from the works held')], max_length=10),
        ),
        migrations.AddField(
            model_name='researcher',
            name='figures_works_count',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='h_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='i10_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='two_year_mean_citedness',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='researcher',
            name='updated_date',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='cited_by_count',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='country_code',
            field=models.CharField(blank=True, max_length=2),
        ),
        migrations.AddField(
            model_name='source',
            name='counts_by_year',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='source',
            name='h_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='homepage_url',
            field=models.URLField(blank=True, max_length=500),
        ),
        migrations.AddField(
            model_name='source',
            name='host_organization',
            field=models.CharField(blank=True, max_length=32),
        ),
        migrations.AddField(
            model_name='source',
            name='i10_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='is_in_doaj',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='is_oa',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='issn',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='source',
            name='two_year_mean_citedness',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='updated_date',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='source',
            name='works_count',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='cited_by_count',
            field=models.PositiveBigIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='counts_by_year',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='topic',
            name='h_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='i10_index',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='two_year_mean_citedness',
            field=models.FloatField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='updated_date',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='topic',
            name='works_count',
            field=models.PositiveIntegerField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='work',
            name='counts_by_year',
            field=models.JSONField(blank=True, default=list),
        ),
        migrations.AddField(
            model_name='work',
            name='is_oa',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='work',
            name='is_retracted',
            field=models.BooleanField(blank=True, null=True),
        ),
        migrations.AddField(
            model_name='work',
            name='landing_page_url',
            field=models.CharField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='work',
            name='oa_status',
            field=models.CharField(blank=True, max_length=16),
        ),
        migrations.AddField(
            model_name='work',
            name='oa_url',
            field=models.CharField(blank=True, max_length=2000),
        ),
        migrations.AddField(
            model_name='work',
            name='updated_date',
            field=models.DateTimeField(blank=True, null=True),
        ),
        migrations.AlterField(
            model_name='authorship',
            name='researcher',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='authorships', to='works.researcher'),
        ),
        migrations.AddField(
            model_name='authorshipinstitution',
            name='authorship',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='institution_links', to='works.authorship'),
        ),
        migrations.AddField(
            model_name='authorshipinstitution',
            name='institution',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='authorship_links', to='works.institution'),
        ),
        migrations.AddField(
            model_name='researcherinstitution',
            name='institution',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='works.institution'),
        ),
        migrations.AddField(
            model_name='researcherinstitution',
            name='researcher',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='affiliations', to='works.researcher'),
        ),
        migrations.AddField(
            model_name='workconcept',
            name='concept',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='work_concepts', to='works.concept'),
        ),
        migrations.AddField(
            model_name='workconcept',
            name='work',
            field=models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='work_concepts', to='works.work'),
        ),
        migrations.AddField(
            model_name='work',
            name='concepts',
            field=models.ManyToManyField(blank=True, related_name='works', through='works.WorkConcept', to='works.concept'),
        ),
        migrations.AddIndex(
            model_name='authorshipinstitution',
            index=models.Index(fields=['institution', 'authorship'], name='authorshipinst_inst_idx'),
        ),
        migrations.AddConstraint(
            model_name='authorshipinstitution',
            constraint=models.UniqueConstraint(fields=('authorship', 'order'), name='authorshipinstitution_unique_place'),
        ),
        migrations.AddIndex(
            model_name='researcherinstitution',
            index=models.Index(fields=['institution', 'researcher'], name='researcherinst_inst_idx'),
        ),
        migrations.AddConstraint(
            model_name='researcherinstitution',
            constraint=models.UniqueConstraint(fields=('researcher', 'institution'), name='researcherinstitution_unique_pair'),
        ),
        migrations.AddIndex(
            model_name='workconcept',
            index=models.Index(fields=['concept', 'work'], name='workconcept_concept_idx'),
        ),
        migrations.AddConstraint(
            model_name='workconcept',
            constraint=models.UniqueConstraint(fields=('work', 'concept'), name='workconcept_unique_pair'),
        ),
    ]
