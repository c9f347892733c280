"""Works and what they hang on: authorships, topics, institutions and sources.

The OpenAlex id (``W…``, ``A…``, ``I…``, ``S…``, ``T…``) is the natural key of every imported
row; it is NULL for rows that did not come from OpenAlex. Unique constraints on nullable columns
allow many NULLs, so the same rule serves both.
"""

from django.db import models
from django.urls import reverse


class Institution(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    ror = models.CharField("ROR id", max_length=64, blank=True, db_index=True)
    display_name = models.CharField(max_length=500)
    country_code = models.CharField(max_length=2, blank=True, db_index=True)
    type = models.CharField(max_length=40, blank=True)
    homepage_url = models.URLField(max_length=500, blank=True)
    # The bare host of the homepage ("uni-example.edu"), matched against claim email domains.
    homepage_domain = models.CharField(max_length=255, blank=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("works:institution", args=[self.pk])


class Source(models.Model):
    """Where a work appeared: a journal, a repository such as arXiv, a conference."""

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=500)
    issn_l = models.CharField(max_length=16, blank=True)
    type = models.CharField(max_length=40, blank=True)
    host_organization_name = models.CharField(max_length=500, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name


class Topic(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    display_name = models.CharField(max_length=500)
    subfield = models.CharField(max_length=255, blank=True)
    field = models.CharField(max_length=255, blank=True)
    domain = models.CharField(max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["display_name"]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("works:topic", args=[self.pk])


class WorkQuerySet(models.QuerySet):
    def for_researcher(self, researcher):
        """Return the researcher's works, newest first, with their venue loaded."""
        return (
            self.filter(authorships__researcher=researcher)
            .select_related("source")
            .order_by(
                models.F("publication_date").desc(nulls_last=True),
                models.F("publication_year").desc(nulls_last=True),
                "-id",
            )
        )

    def for_work_page(self):
        return self.select_related("source").prefetch_related(
            models.Prefetch(
                "authorships",
                queryset=Authorship.objects.select_related("researcher").order_by("order", "id"),
            ),
            "topics",
        )


class Work(models.Model):
    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    # Lower-case and without the resolver prefix: "10.1234/abc".
    doi = models.CharField("DOI", max_length=255, blank=True, db_index=True)
    title = models.TextField(blank=True)
    abstract = models.TextField(blank=True)
    type = models.CharField(max_length=40, blank=True)
    publication_year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    publication_date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.SET_NULL, related_name="works"
    )
    cited_by_count = models.PositiveIntegerField(default=0)
    language = models.CharField(max_length=16, blank=True)
    # OpenAlex ids of the works this one cites; kept as ids so that a reference to a work we
    # do not hold costs nothing.
    referenced_works = models.JSONField(default=list, blank=True)
    # The number of authors on the work as published (not only those we hold); consortium
    # papers are recognised by it without counting authorships.
    authors_count = models.PositiveIntegerField(default=0)
    topics = models.ManyToManyField(Topic, through="WorkTopic", related_name="works", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = WorkQuerySet.as_manager()

    class Meta:
        indexes = [
            models.Index(fields=["-publication_date", "-publication_year"], name="work_recent_idx"),
        ]

    def __str__(self):
        return self.title or self.openalex_id or f"Work {self.pk}"

    def get_absolute_url(self):
        return reverse("works:detail", args=[self.pk])

    @property
    def doi_url(self):
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def openalex_url(self):
        return f"https://openalex.org/{self.openalex_id}" if self.openalex_id else ""


class WorkTopic(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_topics")
    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="work_topics")
    score = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "topic"], name="worktopic_unique_pair"),
        ]
        indexes = [models.Index(fields=["topic", "work"], name="worktopic_topic_idx")]

    def __str__(self):
        return f"{self.topic_id} on {self.work_id}"


class Authorship(models.Model):
    class Position(models.TextChoices):
        FIRST = "first", "First author"
        MIDDLE = "middle", "Middle author"
        LAST = "last", "Last author"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    researcher = models.ForeignKey(
        "works.Researcher", on_delete=models.CASCADE, related_name="authorships"
    )
    position = models.CharField(max_length=8, choices=Position.choices, blank=True)
    # Where the author stands in the work's byline, from 0.
    order = models.PositiveIntegerField(default=0)
    raw_author_name = models.CharField(max_length=500, blank=True)
    institutions = models.ManyToManyField(Institution, related_name="authorships", blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["work", "researcher"], name="authorship_unique_work_researcher"
            ),
        ]
        # (work, researcher) is indexed by the constraint; this one serves "works of a person".
        indexes = [models.Index(fields=["researcher", "work"], name="authorship_researcher_idx")]

    def __str__(self):
        return f"{self.raw_author_name or self.researcher_id} on {self.work_id}"


class MergedAuthorId(models.Model):
    """An OpenAlex author id that OpenAlex merged into another, from its ``merged_ids`` files.

    The importer reads works that still name the old id as naming the survivor. Chains are kept
    one hop long: when the survivor is itself merged later, every row pointing at it is
    re-pointed at the new survivor, so one lookup always gives the final id.
    """

    openalex_id = models.CharField(max_length=32, unique=True)
    merge_into_id = models.CharField(max_length=32, db_index=True)
    merge_date = models.DateField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(openalex_id=models.F("merge_into_id")),
                name="mergedauthorid_not_into_itself",
            ),
        ]

    def __str__(self):
        return f"{self.openalex_id} -> {self.merge_into_id}"
