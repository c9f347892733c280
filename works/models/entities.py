"""The entities works hang on: institutions, sources, topics, concepts, publishers, funders; and
the stored OpenAlex documents of every entity.

The OpenAlex id (``W…``, ``A…``, ``I…``, ``S…``, ``T…``, ``C…``, ``P…``, ``F…``) is the natural
key of every imported row; it is NULL for rows that did not come from OpenAlex. Unique
constraints on nullable columns allow many NULLs, so the same rule serves both.

Typed columns hold what BZPEER queries and shows. The source document itself is kept whole in
``OpenAlexRecord``, a table of its own: pages read the narrow typed rows and never pay for the
documents, which only the OpenAlex-compatible API reads back.
"""

from django.db import models
from django.urls import reverse


class OpenAlexRecord(models.Model):
    """An imported OpenAlex document, as it came (less NUL characters and lone surrogates).

    One row per entity imported from its own record; rows known only from short copies inside
    other records (a work's source, an authorship's author) have none. Keyed by the OpenAlex id
    itself, so the table costs its rows and one index.
    """

    openalex_id = models.CharField(max_length=32, primary_key=True)
    record = models.JSONField()

    def __str__(self):
        return self.openalex_id


class Imported(models.Model):
    """What every imported entity row has: its OpenAlex id and the date of its own record."""

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # The record's own ``updated_date`` (or ``updated``): a newer one wins, an older copy never
    # overwrites, the same one again changes nothing. NULL for short copies and generated rows.
    updated_date = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Figures(models.Model):
    """The entity's own figures, as its OpenAlex record gives them (NULL: not given)."""

    works_count = models.PositiveIntegerField(null=True, blank=True)
    cited_by_count = models.PositiveBigIntegerField(null=True, blank=True)
    h_index = models.PositiveIntegerField(null=True, blank=True)
    i10_index = models.PositiveIntegerField(null=True, blank=True)
    two_year_mean_citedness = models.FloatField(null=True, blank=True)
    # [{"year": 2023, "works_count": 4, "cited_by_count": 90}, ...], newest first.
    counts_by_year = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


class Institution(Imported, Figures):
    ror = models.CharField("ROR id", max_length=64, blank=True, db_index=True)
    display_name = models.CharField(max_length=500)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    type = models.CharField(max_length=40, blank=True)
    # Only http(s) links are stored (bzpeer.safety.safe_url).
    homepage_url = models.URLField(max_length=500, blank=True)
    # The bare host of the homepage ("uni-example.edu"), matched against claim email domains.
    homepage_domain = models.CharField(max_length=255, blank=True, db_index=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("works:institution", args=[self.pk])


class Source(Imported, Figures):
    """Where a work appeared: a journal, a repository such as arXiv, a conference."""

    display_name = models.CharField(max_length=500)
    issn_l = models.CharField(max_length=16, blank=True)
    issn = models.JSONField(default=list, blank=True)
    type = models.CharField(max_length=40, blank=True)
    host_organization = models.CharField(max_length=32, blank=True)  # a P… or I… id
    host_organization_name = models.CharField(max_length=500, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)
    country_code = models.CharField(max_length=2, blank=True)
    is_oa = models.BooleanField(null=True, blank=True)
    is_in_doaj = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Topic(Imported, Figures):
    """A topic of OpenAlex's topic taxonomy (``T…``, 2024 on); concepts are a model of their own."""

    display_name = models.CharField(max_length=500)
    subfield = models.CharField(max_length=255, blank=True)
    field = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=255, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("works:topic", args=[self.pk])


class Concept(Imported, Figures):
    """A concept of OpenAlex's older taxonomy (``C…``), which works of every era still carry."""

    display_name = models.CharField(max_length=500)
    level = models.PositiveSmallIntegerField(null=True, blank=True)
    wikidata = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Publisher(Imported, Figures):
    display_name = models.CharField(max_length=500)
    hierarchy_level = models.PositiveSmallIntegerField(null=True, blank=True)
    country_codes = models.JSONField(default=list, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Funder(Imported, Figures):
    display_name = models.CharField(max_length=500)
    country_code = models.CharField(max_length=2, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name
