"""The author entity: a public author record, its name keys, institutions and topics.

The people-layer columns (owner, claim status, verification level, trust score, followers,
headline) live on this table because every page reads them with the record; what computes them
(claims, the trust rubric, follows) lives in the apps above (profiles, collaboration). The tables
keep the ``profiles_*`` names they were created under: the models moved, the data did not.
"""

import re

from django.conf import settings
from django.contrib.postgres.search import TrigramWordSimilarity
from django.db import connection, models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils.functional import cached_property

from .. import identifiers, names
from .records import Authorship

# Upper bounds on the rows a name search or an autocomplete looks at, whatever the data size.
SEARCH_CANDIDATES = 500
# With this many matches the wider (prefix, then typo) passes are skipped; the typo pass also
# only runs when no name matched as written.
SEARCH_ENOUGH = 25
AUTOCOMPLETE_CANDIDATES = 200

# A record not merged into another: the ones lists, searches and new links show.
LIVE = models.Q(merged_into__isnull=True)
# Best known first: trust, then works, then id (served by the researcher_rank_idx index).
RANK_ORDER = ("-trust_score", "-works_count", "id")


def rank_key(researcher) -> tuple:
    """RANK_ORDER for researchers already loaded."""
    return (-researcher.trust_score, -researcher.works_count, researcher.pk)


class _AmongIds(models.Expression):
    """`id = ANY(%s)`: one array parameter where `pk__in` writes a placeholder per id.

    A name search's ranking names up to 1,500 ids (candidates, key and typo matches); as
    placeholders (or as a Value that prepares each id), building and binding the statement
    cost more Python than PostgreSQL took to run it."""

    output_field = models.BooleanField()

    def __init__(self, ids):
        super().__init__()
        self.ids = sorted(ids)
        self.pk = models.F("pk")

    def resolve_expression(self, query=None, *args, **kwargs):
        resolved = self.copy()
        resolved.pk = self.pk.resolve_expression(query, *args, **kwargs)
        return resolved

    def as_sql(self, compiler, connection):
        sql, params = compiler.compile(self.pk)
        return f"{sql} = ANY(%s::bigint[])", [*params, self.ids]


def _in_ids(ids) -> models.Q:
    return models.Q(pk__in=ids)


class ResearcherQuerySet(models.QuerySet):
    def live(self):
        """Records not merged into another (a merged record is only a redirect)."""
        return self.filter(LIVE)

    def ranked(self):
        """Best known first: trust, then works, then id."""
        return self.order_by(*RANK_ORDER)

    def for_profile_page(self):
        """Everything the profile header needs, in one query plus one for affiliations."""
        return self.prefetch_related(
            models.Prefetch(
                "affiliations",
                queryset=ResearcherInstitution.objects.select_related("institution").order_by(
                    "-last_known", models.F("last_year").desc(nulls_last=True), "institution_id"
                ),
            )
        )

    def search(self, query: str):
        """Researchers whose names match a query written as people write names, best first.

        Accents, case, punctuation and word order do not matter, initials match given names,
        German names meet in either spelling ("Waetzold", "Wätzold"), and alternative names
        count (works.names). A name one typo away is found through its keys (works.names.
        typo_keys); on PostgreSQL trigram word similarity also forgives more. Ranking: exact
        name, then name keys, then keys one typo away, then similarity, then trust and works.
        Candidates come from indexes only and are capped, so the cost does not grow with the
        number of records.
        """
        live = self.live()
        query = " ".join(query.split())[:200]
        if not query:
            return live
        folded = names.fold(names.display_form(query))
        if not folded:
            return live.none()
        by_key = ResearcherName.objects.filter(key__in=names.query_keys(query))
        key_ids = set(by_key.values_list("researcher_id", flat=True)[:SEARCH_CANDIDATES])
        exact = models.Q(search_text=folded) | models.Q(search_text__startswith=folded + " | ")
        # An OpenAlex author id or an ORCID iD finds its record directly.
        if re.fullmatch(r"[Aa]\d{4,12}", query) or identifiers.ORCID_RE.fullmatch(query):
            by_id = models.Q(openalex_id=query.upper()) | models.Q(orcid=query)
            key_ids.update(Researcher.objects.filter(by_id).values_list("pk", flat=True)[:5])
            exact |= by_id
        candidate_ids = set(key_ids)
        # Wider nets only while the exact keys found too few: each costs more than the last.
        if len(candidate_ids) < SEARCH_ENOUGH:
            starts = ResearcherName.objects.filter(key__startswith=folded)
            candidate_ids.update(starts.values_list("researcher_id", flat=True)[:SEARCH_CANDIDATES])
        postgres = connection.vendor == "postgresql"
        if postgres:
            similarity = TrigramWordSimilarity(folded, "search_text")
        else:
            similarity = models.Value(0.0, output_field=models.FloatField())
        typo_ids = set()
        if not key_ids and len(candidate_ids) < SEARCH_ENOUGH:
            # Typos (no name matched as written), in one query of two indexed parts: the keys
            # one edit away (a swapped, missing, extra or wrong letter: an IN lookup of a few
            # hundred keys), and names similar by trigrams, best first.
            typos = (
                ResearcherName.objects.filter(key__in=names.typo_keys(query))
                .annotate(typo=models.Value(True, output_field=models.BooleanField()))
                .values_list("researcher_id", "typo")[:SEARCH_CANDIDATES]
            )
            if postgres:
                similar = (
                    Researcher.objects.filter(search_text__trigram_word_similar=folded)
                    .annotate(typo=models.Value(False, output_field=models.BooleanField()))
                    .order_by(similarity.desc())
                    .values_list("pk", "typo")[:SEARCH_CANDIDATES]
                )
                rows = typos.union(similar, all=True)
            else:
                # The embedded SQLite default (which cannot limit the parts of a UNION): two
                # queries, and plain containment instead of trigrams.
                similar = Researcher.objects.filter(search_text__contains=folded)
                rows = [
                    *typos,
                    *(
                        (pk, False)
                        for pk in similar.values_list("pk", flat=True)[:SEARCH_CANDIDATES]
                    ),
                ]
            for pk, typo in rows:
                candidate_ids.add(pk)
                if typo:
                    typo_ids.add(pk)
        among = _AmongIds if postgres else _in_ids
        rank = models.Case(
            models.When(exact, then=0),
            models.When(among(key_ids), then=1),
            models.When(among(typo_ids), then=2),
            default=3,
            output_field=models.IntegerField(),
        )
        return (
            live.filter(among(candidate_ids))
            .annotate(search_rank=rank, similarity=similarity)
            .order_by("search_rank", "-similarity", *RANK_ORDER)
        )

    def autocomplete(self, query: str, *, limit: int = 8):
        """The best-known researchers whose name starts with the query, in any word order."""
        folded = names.fold(query)[:100]
        if len(folded) < 2:
            return self.none()
        # No ORDER BY: sorting by key would walk the whole key index instead of the prefix one.
        starts = ResearcherName.objects.filter(key__startswith=folded)
        ids = starts.values_list("researcher_id", flat=True)[:AUTOCOMPLETE_CANDIDATES]
        return self.live().filter(pk__in=list(ids)).ranked()[:limit]

    def possible_duplicates_of(self, researcher: "Researcher"):
        """Other records with the same name (case-folded) sharing a co-author or an institution.

        One query, and bounded: the name index yields at most DUPLICATE_CANDIDATES records, and
        every join starts either from those candidates or from this researcher's own rows, so
        nothing scans a big institution's or a prolific co-author's authorships. Two records
        on the same byline are two people, so those are never offered as duplicates.
        """
        small = {"work__authors_count__lte": settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]}
        affiliations = ResearcherInstitution.objects
        candidates = (
            Researcher.objects.alias(name_key=Lower("display_name"))
            .filter(name_key=Lower(models.Value(researcher.display_name)))
            .filter(LIVE)
            .exclude(pk=researcher.pk)
            .order_by("pk")
            .values("pk")[:DUPLICATE_CANDIDATES]
        )
        # This researcher's side, each bounded by their own works and affiliations (which
        # hold the institutions of their authorships too).
        institutions = affiliations.filter(researcher_id=researcher.pk).values("institution_id")
        coauthors = (
            Authorship.objects.filter(work__authorships__researcher_id=researcher.pk, **small)
            .filter(researcher__isnull=False)
            .exclude(researcher_id=researcher.pk)
            .values("researcher_id")
        )
        works = Authorship.objects.filter(researcher_id=researcher.pk).values("work_id")
        # The candidates' side, driven by their few ids.
        via_coauthor = Authorship.objects.filter(
            researcher_id__in=candidates, work__authorships__researcher_id__in=coauthors, **small
        ).values("researcher_id")
        via_institution = affiliations.filter(
            researcher_id__in=candidates, institution_id__in=institutions
        ).values("researcher_id")
        same_byline = Authorship.objects.filter(
            researcher_id__in=candidates, work_id__in=works
        ).values("researcher_id")
        return (
            self.filter(pk__in=candidates)
            .filter(pk__in=via_coauthor.union(via_institution))
            .exclude(pk__in=same_byline)
            .order_by("pk")
        )


# Same-name records examined per profile for the "Possible duplicate" badge.
DUPLICATE_CANDIDATES = 20


class Researcher(models.Model):
    """A public author record, built from open data and possibly claimed by its person."""

    class VerificationLevel(models.IntegerChoices):
        L0 = 0, "L0 Unverified"
        L1 = 1, "L1 Public record"
        L2 = 2, "L2 Claimed"
        L3 = 3, "L3 Verified"

    class ClaimStatus(models.TextChoices):
        UNCLAIMED = "unclaimed", "Unclaimed author"
        PENDING = "pending", "Claim pending"
        CLAIMED = "claimed", "Claimed"
        VERIFIED = "verified", "Verified"

    class FiguresFrom(models.TextChoices):
        OPENALEX = "openalex", "OpenAlex author record"
        HELD = "held", "Computed from the works held"

    openalex_id = models.CharField(max_length=32, unique=True, null=True, blank=True)
    orcid = models.CharField("ORCID iD", max_length=19, blank=True, db_index=True)
    display_name = models.CharField(max_length=500)
    display_name_alternatives = models.JSONField(default=list, blank=True)
    # Written by the owner only; imported records have none and the page shows a plain default.
    headline = models.CharField(max_length=300, blank=True)
    # Every institution the record is known at: from the author record's affiliations and
    # last known institutions, and from the researcher's own authorships (ResearcherInstitution).
    institutions = models.ManyToManyField(
        "works.Institution", through="ResearcherInstitution", related_name="researchers", blank=True
    )
    open_to_collaborate = models.BooleanField(default=True)

    # One owner per record: the column itself is the rule.
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="owned_researchers",
    )
    verification_level = models.PositiveSmallIntegerField(
        choices=VerificationLevel.choices, default=VerificationLevel.L0
    )
    claim_status = models.CharField(
        max_length=10, choices=ClaimStatus.choices, default=ClaimStatus.UNCLAIMED
    )

    # Stored counters (definitions in TRUST.md), refreshed by works.services (the
    # public record's) and profiles.services (trust scores); followers by collaboration.
    works_count = models.PositiveIntegerField(default=0)
    followers_count = models.PositiveIntegerField(default=0)
    topics_count = models.PositiveIntegerField(default=0)
    close_collaborators_count = models.PositiveIntegerField(default=0)
    cited_by_count = models.PositiveBigIntegerField(default=0)

    # The figures the source gives for the record (its author record: works, citations,
    # summary_stats, counts_by_year), or when no author record was imported the same figures
    # computed from the works held; ``figures_from`` says which.
    figures_from = models.CharField(max_length=10, choices=FiguresFrom.choices, blank=True)
    figures_works_count = models.PositiveIntegerField(null=True, blank=True)
    figures_cited_by_count = models.PositiveBigIntegerField(null=True, blank=True)
    h_index = models.PositiveIntegerField(null=True, blank=True)
    i10_index = models.PositiveIntegerField(null=True, blank=True)
    two_year_mean_citedness = models.FloatField(null=True, blank=True)
    counts_by_year = models.JSONField(default=list, blank=True)
    # The author record's own updated_date (newer wins); NULL when none was imported.
    updated_date = models.DateTimeField(null=True, blank=True)

    trust_score = models.PositiveSmallIntegerField(default=0)
    # profiles.trust.RUBRIC_VERSION, which profiles.services stores with every score.
    trust_rubric_version = models.PositiveSmallIntegerField(default=1)

    # Every name folded (accents, case, punctuation), for trigram similarity on PostgreSQL;
    # kept with the counters by works.services.
    search_text = models.TextField(blank=True, default="")

    # Set when an owner (or OpenAlex) merged this duplicate into another record: the row stays
    # so that its id and OpenAlex id keep resolving, and always points straight at the final
    # survivor (profiles.corrections keeps every chain one hop long).
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_records",
    )
    merged_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ResearcherQuerySet.as_manager()

    class Meta:
        db_table = "profiles_researcher"
        ordering = ["display_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(trust_score__lte=100), name="researcher_trust_score_max_100"
            ),
            models.CheckConstraint(
                condition=models.Q(verification_level__lte=3),
                name="researcher_verification_level_valid",
            ),
            # Claimed and verified records have an owner; unclaimed ones have none.
            models.CheckConstraint(
                condition=models.Q(claim_status__in=["claimed", "verified"], owner__isnull=False)
                | models.Q(claim_status__in=["unclaimed", "pending"], owner__isnull=True),
                name="researcher_owner_matches_claim_status",
            ),
            models.CheckConstraint(
                condition=~models.Q(merged_into=models.F("pk")),
                name="researcher_not_merged_into_itself",
            ),
            # A merged record is an empty redirect: nobody owns it.
            models.CheckConstraint(
                condition=LIVE | models.Q(owner__isnull=True),
                name="researcher_merged_has_no_owner",
            ),
        ]
        indexes = [
            models.Index(fields=["-trust_score", "-works_count"], name="researcher_rank_idx"),
            # Serves the same-name lookup behind the "Possible duplicate" badge.
            models.Index(Lower("display_name"), name="researcher_name_lower_idx"),
        ]

    def __str__(self):
        return self.display_name

    def get_absolute_url(self):
        return reverse("profiles:detail", args=[self.pk])

    @property
    def all_names(self) -> list[str]:
        """The display name and the alternatives open data knows, for search."""
        alternatives = self.display_name_alternatives or []
        return [self.display_name, *(n for n in alternatives if isinstance(n, str) and n)]

    @property
    def default_headline(self):
        return (
            f"{self.display_name} contributes to research discovery and scholarly infrastructure."
        )

    @property
    def orcid_url(self):
        return f"https://orcid.org/{self.orcid}" if self.orcid else ""

    @property
    def openalex_url(self):
        return f"https://openalex.org/{self.openalex_id}" if self.openalex_id else ""

    @cached_property
    def current_institutions(self) -> list:
        """Where the person is now: the author record's last known institutions, else those of
        the latest year seen. Reads the affiliations ``for_profile_page`` prefetches."""
        rows = list(self.affiliations.all())
        current = [row for row in rows if row.last_known]
        if not current and rows:
            latest = max(row.last_year or 0 for row in rows)
            current = [row for row in rows if (row.last_year or 0) == latest]
        return [row.institution for row in current]

    @cached_property
    def possible_duplicate(self) -> "Researcher | None":
        return Researcher.objects.possible_duplicates_of(self).first()


class ResearcherName(models.Model):
    """One lookup key of a researcher's names (works.names.name_keys), for name search.

    Keys make "Monier, Frédéric", "F. Monier" and "frederic monier" one indexed equality or
    prefix lookup instead of a scan.
    """

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="name_keys")
    key = models.CharField(max_length=255)

    class Meta:
        db_table = "profiles_researchername"
        constraints = [
            models.UniqueConstraint(fields=["key", "researcher"], name="researchername_unique_key"),
        ]

    def __str__(self):
        return self.key


class ResearcherInstitution(models.Model):
    """An institution a researcher is known at, with the first and last year it was seen.

    Two sources feed it, kept apart so that each can be rewritten alone: the author record
    (its ``affiliations`` with years, its ``last_known_institution(s)``), written by the
    importer; and the researcher's own authorships (how many of their works name it, in which
    years), written with the other counters (works.services). ``first_year``/``last_year`` join
    both, and are what pages read. A row with neither source is deleted.
    """

    researcher = models.ForeignKey(
        Researcher, on_delete=models.CASCADE, related_name="affiliations"
    )
    institution = models.ForeignKey(
        "works.Institution", on_delete=models.CASCADE, related_name="affiliations"
    )
    first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # The author record names it as where the person is now.
    last_known = models.BooleanField(default=False)
    # The author record names it (as an affiliation or the last known institution).
    in_record = models.BooleanField(default=False)
    record_first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    record_last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    # How many of the researcher's works name it on their byline entry, and in which years.
    works_count = models.PositiveIntegerField(default=0)
    works_first_year = models.PositiveSmallIntegerField(null=True, blank=True)
    works_last_year = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "institution"], name="researcherinstitution_unique_pair"
            ),
        ]
        indexes = [
            models.Index(fields=["institution", "researcher"], name="researcherinst_inst_idx"),
        ]

    def __str__(self):
        return f"{self.researcher_id} at {self.institution_id}"

    def join_years(self) -> None:
        """Set first_year and last_year from both sources."""
        firsts = [y for y in (self.record_first_year, self.works_first_year) if y is not None]
        lasts = [y for y in (self.record_last_year, self.works_last_year) if y is not None]
        self.first_year = min(firsts) if firsts else None
        self.last_year = max(lasts) if lasts else None


class ResearcherTopic(models.Model):
    """How many of a researcher's works are on a topic: the directory's topic filter and counts."""

    researcher = models.ForeignKey(Researcher, on_delete=models.CASCADE, related_name="topic_links")
    topic = models.ForeignKey(
        "works.Topic", on_delete=models.CASCADE, related_name="researcher_links"
    )
    works_count = models.PositiveIntegerField(default=0)

    class Meta:
        db_table = "profiles_researchertopic"
        constraints = [
            models.UniqueConstraint(
                fields=["researcher", "topic"], name="researchertopic_unique_pair"
            ),
        ]
        indexes = [models.Index(fields=["topic", "researcher"], name="researchertopic_topic_idx")]

    def __str__(self):
        return f"{self.researcher_id} on {self.topic_id}"
