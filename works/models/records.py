"""Works and their links: authorships as published, topics and concepts; merged author ids.

The OpenAlex id is the natural key of every imported row (see ``entities``).
"""

from django.db import models
from django.urls import reverse

from .entities import Concept, Imported, Institution, Source, Topic


class WorkQuerySet(models.QuerySet):
    def for_researcher(self, researcher):
        """Return the researcher's works, newest first, with their venue loaded.

        A subquery, not a join: a byline may list one person twice, and each work is listed once.
        """
        return (
            self.filter(pk__in=Authorship.objects.filter(researcher=researcher).values("work_id"))
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


class Work(Imported):
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
    # Open access as the record states it (NULL: not stated), and where to read the work.
    is_oa = models.BooleanField(null=True, blank=True)
    oa_status = models.CharField(max_length=16, blank=True)
    oa_url = models.CharField(max_length=2000, blank=True)
    landing_page_url = models.CharField(max_length=2000, blank=True)
    is_retracted = models.BooleanField(null=True, blank=True)
    # [{"year": 2023, "cited_by_count": 4}, ...]: the held figures of authors are built from it.
    counts_by_year = models.JSONField(default=list, blank=True)
    topics = models.ManyToManyField(Topic, through="WorkTopic", related_name="works", blank=True)
    concepts = models.ManyToManyField(
        Concept, through="WorkConcept", related_name="works", blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

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


class WorkConcept(models.Model):
    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="work_concepts")
    concept = models.ForeignKey(Concept, on_delete=models.CASCADE, related_name="work_concepts")
    score = models.FloatField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "concept"], name="workconcept_unique_pair"),
        ]
        indexes = [models.Index(fields=["concept", "work"], name="workconcept_concept_idx")]

    def __str__(self):
        return f"{self.concept_id} on {self.work_id}"


class Authorship(models.Model):
    """One entry of a work's byline, as published, in its place.

    ``researcher`` links the entry to an author record; it is NULL for an unlinked byline (no
    author id, OpenAlex's null author ``A9999999999``, or an entry the owner took off their
    record), which pages show by its raw name. A byline that names one person twice keeps both
    entries, so every count over authorships counts distinct works.
    """

    class Position(models.TextChoices):
        FIRST = "first", "First author"
        MIDDLE = "middle", "Middle author"
        LAST = "last", "Last author"

    work = models.ForeignKey(Work, on_delete=models.CASCADE, related_name="authorships")
    researcher = models.ForeignKey(
        "works.Researcher",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="authorships",
    )
    position = models.CharField(max_length=8, choices=Position.choices, blank=True)
    # Where the entry stands in the work's byline, from 0: one entry per place.
    order = models.PositiveIntegerField(default=0)
    raw_author_name = models.CharField(max_length=500, blank=True)
    raw_affiliation_strings = models.JSONField(default=list, blank=True)
    is_corresponding = models.BooleanField(null=True, blank=True)
    countries = models.JSONField(default=list, blank=True)
    institutions = models.ManyToManyField(
        Institution, through="AuthorshipInstitution", related_name="authorships", blank=True
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["work", "order"], name="authorship_unique_place"),
        ]
        # (work, order) is indexed by the constraint; this one serves "works of a person".
        indexes = [models.Index(fields=["researcher", "work"], name="authorship_researcher_idx")]

    def __str__(self):
        return f"{self.raw_author_name or self.researcher_id} on {self.work_id}"

    @property
    def name(self) -> str:
        """The name to show: as printed on the byline, else the linked record's."""
        if self.raw_author_name:
            return self.raw_author_name
        return self.researcher.display_name if self.researcher_id else ""


class AuthorshipInstitution(models.Model):
    """An institution of a byline entry, in the order the record lists them."""

    authorship = models.ForeignKey(
        Authorship, on_delete=models.CASCADE, related_name="institution_links"
    )
    institution = models.ForeignKey(
        Institution, on_delete=models.CASCADE, related_name="authorship_links"
    )
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["authorship", "order"], name="authorshipinstitution_unique_place"
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "authorship"], name="authorshipinst_inst_idx"),
        ]

    def __str__(self):
        return f"{self.institution_id} on {self.authorship_id}"


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
