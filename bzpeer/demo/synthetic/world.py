"""The synthetic world itself: its labs, people, works and ids, generated row by row."""

import bisect
import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.db import models

from works import identifiers
from works.models import (
    Authorship,
    AuthorshipInstitution,
    Institution,
    Researcher,
    ResearcherInstitution,
    Source,
    Topic,
    Work,
    WorkTopic,
)
from works.services import public_verification_level

from .vocabulary import (
    CLOSINGS,
    COUNTRIES,
    DOI_PREFIX,
    FAMILY_HEADS,
    FAMILY_MIDS,
    FAMILY_TAILS,
    FINDINGS,
    GIVEN_HEADS,
    GIVEN_TAILS,
    INITIALS,
    INSTITUTION_NAMES,
    INSTITUTION_TYPES,
    LAB_SKEW,
    LANGUAGES,
    METHODS,
    PLACE_HEADS,
    PLACE_TAILS,
    SETTINGS,
    TAXONOMY,
    THIS_YEAR,
    TITLE_ADJECTIVES,
    TOPIC_ADJECTIVES,
    TOPIC_NOUNS,
    WORK_TYPES,
    WORKS_PER_LAB,
)

# --- Columns written per model (everything else gets the model field's default) --------------

RESEARCHER_COLUMNS = ("id", "openalex_id", "orcid", "display_name",
                      "display_name_alternatives", "verification_level")  # fmt: skip
WORK_COLUMNS = ("id", "openalex_id", "doi", "title", "abstract", "type", "publication_year",
                "publication_date", "source_id", "cited_by_count", "language",
                "referenced_works", "authors_count", "counts_by_year")  # fmt: skip
AUTHORSHIP_COLUMNS = ("id", "work_id", "researcher_id", "position", "order", "raw_author_name")
# A generated lab member's institution stands for what an author record would name: the
# institution they are at now.
AFFILIATION_COLUMNS = ("researcher_id", "institution_id", "last_known", "in_record")


def citations_by_year(year: int, cited: int) -> list[dict]:
    """A work's citations spread over the years since it appeared, as OpenAlex's
    counts_by_year lists them (the last ten years, newest first, no empty years)."""
    years = list(range(THIS_YEAR, max(year, THIS_YEAR - 9) - 1, -1))
    if not years or cited <= 0:
        return []
    share, extra = divmod(cited, len(years))
    counts = [share + (1 if i < extra else 0) for i in range(len(years))]
    return [{"year": y, "cited_by_count": n} for y, n in zip(years, counts, strict=True) if n]


def synthetic_orcid(ordinal: int) -> str:
    """A generated ORCID iD in the unissued 0000-0000-… block (see the module docstring)."""
    base = f"00000000{ordinal % 10_000_000:07d}"
    digits = base + identifiers.orcid_checksum(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def synthetic_id(prefix: str, ordinal: int) -> str:
    return f"{prefix}9{ordinal:011d}"


def synthetic_id_regex(prefix: str) -> str:
    """The pattern every id synthetic_id makes with this prefix matches, and no real id does."""
    return rf"^{prefix}9[0-9]{{11}}$"


@dataclass
class Summary:
    works: int = 0
    researchers: int = 0
    authorships: int = 0
    topics: int = 0
    institutions: int = 0
    sources: int = 0
    seconds: float = 0.0


@dataclass
class _Lab:
    pi: int
    cores: list[int]
    core_weights: list[float]
    institution: int | None
    topics: list[int]
    sources: list[int]
    start_year: int
    students: list[list[int]]  # [researcher index, papers left]


class Ids:
    """Where each table's new primary keys and synthetic id ordinals start."""

    def __init__(self, *, append: bool):
        self.pk = {}
        self.ordinal = {}
        for model, prefix in [(Topic, "T"), (Institution, "I"), (Source, "S"),
                              (Researcher, "A"), (Work, "W"), (Authorship, None)]:  # fmt: skip
            self.pk[model] = 1
            self.ordinal[model] = 1
            if not append:
                continue
            self.pk[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
            if prefix:
                # Fixed-length ids compare as text, so Max gives the highest ordinal.
                highest = model.objects.filter(
                    openalex_id__regex=synthetic_id_regex(prefix)
                ).aggregate(m=models.Max("openalex_id"))["m"]
                self.ordinal[model] = int(highest[2:]) + 1 if highest else 1


class Generator:
    """Produces the rows of one world; the writer decides how they reach the database."""

    def __init__(self, *, works: int, seed: int, ids: Ids):
        self.total_works = works
        self.ids = ids
        # Appended worlds get their own stream, so their names differ from the first world's.
        self.rng = random.Random(f"bzpeer-synthetic:{seed}:{sorted(ids.ordinal.values())}")
        self.names: list[str] = []
        self.affiliations: list[int | None] = []
        self.pending_researchers: list[tuple] = []
        self.pending_affiliations: list[tuple[int, int, bool, bool]] = []
        self.work_count = 0
        self.authorship_count = 0

    # Reference data ------------------------------------------------------------------------

    def reference_rows(self):
        rng = self.rng
        n = self.total_works
        topic_rows = []
        self.subfield_topics: dict[str, list[int]] = {}
        self.subfield_field: dict[str, str] = {}
        subfields = [
            (domain, field, subfield)
            for domain, fields in TAXONOMY.items()
            for field, names in fields.items()
            for subfield in names
        ]
        # Each subfield deals its topics from its own shuffled adjective-noun pairs: no repeats.
        pairs = [(a, b) for a in TOPIC_ADJECTIVES for b in TOPIC_NOUNS]
        decks = [rng.sample(pairs, len(pairs)) for _ in subfields]
        for i in range(min(max(n // 250, 40), 4000)):
            domain, field, subfield = subfields[i % len(subfields)]
            adjective, noun = decks[i % len(subfields)][i // len(subfields)]
            name = f"{adjective} {noun} in {subfield}"
            pk = self.ids.pk[Topic] + i
            ordinal = self.ids.ordinal[Topic] + i
            topic_rows.append((pk, synthetic_id("T", ordinal), name, subfield, field, domain))
            self.subfield_topics.setdefault(subfield, []).append(pk)
            self.subfield_field[subfield] = field
        self.topic_names = {row[0]: row[2] for row in topic_rows}

        institution_rows = []
        names_seen = set()

        def place():
            return rng.choice(PLACE_HEADS) + rng.choice(PLACE_TAILS)

        types, weights = zip(*INSTITUTION_TYPES, strict=True)
        for i in range(min(max(n // 400, 12), 3000)):
            kind = rng.choices(types, weights)[0]
            town = place()
            name = rng.choice(INSTITUTION_NAMES[kind]).format(p=town)
            if name in names_seen:
                name = f"{name} at {place()}"
            if name in names_seen:
                name = f"{name}, Site {i}"
            names_seen.add(name)
            ordinal = self.ids.ordinal[Institution] + i
            domain_name = f"{town.lower()}-{ordinal}.synthetic.example"
            institution_rows.append((self.ids.pk[Institution] + i, synthetic_id("I", ordinal),
                                     name, rng.choice(COUNTRIES), kind,
                                     f"https://{domain_name}/", domain_name))  # fmt: skip
        self.institutions = [row[0] for row in institution_rows]
        # Big institutions host many labs: a Zipf weight over institutions.
        self.institution_cum = list(accumulate(1 / (r + 1) for r in range(len(self.institutions))))

        source_rows = []
        self.field_sources: dict[str, list[int]] = {}
        fields = [field for fields in TAXONOMY.values() for field in fields]
        repositories = [("SynthArXiv", "Synthetic Preprint Commons"),
                        ("SynthBioRxiv", "Synthetic Preprint Commons")]  # fmt: skip
        names_seen = set()
        for i in range(min(max(n // 800, 8), 2000) + len(repositories)):
            pk = self.ids.pk[Source] + i
            if i < len(repositories):
                name, host = repositories[i]
                kind = "repository"
            else:
                field = fields[i % len(fields)]
                name = rng.choice(
                    [f"Synthetic Journal of {field}", f"Annals of Synthetic {field}",
                     f"Synthetic Reviews of {field}", f"{place()} Letters in {field} (Synthetic)"]
                )  # fmt: skip
                if name in names_seen:
                    name = f"{place()} Journal of {field} (Synthetic)"
                if name in names_seen:
                    name = f"{name}, Series {i}"
                host, kind = "Synthetic Academic Press", "journal"
                self.field_sources.setdefault(field, []).append(pk)
            names_seen.add(name)
            ordinal = self.ids.ordinal[Source] + i
            source_rows.append((pk, synthetic_id("S", ordinal), name, kind, host))
        self.repositories = [row[0] for row in source_rows[: len(repositories)]]

        return [
            (Topic, ("id", "openalex_id", "display_name", "subfield", "field", "domain"),
             topic_rows),
            (Institution, ("id", "openalex_id", "display_name", "country_code", "type",
                           "homepage_url", "homepage_domain"), institution_rows),
            (Source, ("id", "openalex_id", "display_name", "type", "host_organization_name"),
             source_rows),
        ]  # fmt: skip

    # Researchers ---------------------------------------------------------------------------

    def new_researcher(self, *, orcid_chance: float, institution: int | None, anonymous=False):
        """Create a researcher; returns its index (its primary key minus the first one)."""
        rng = self.rng
        index = len(self.names)
        given = rng.choice(GIVEN_HEADS) + rng.choice(GIVEN_TAILS)
        family = rng.choice(FAMILY_HEADS) + rng.choice(FAMILY_MIDS) + rng.choice(FAMILY_TAILS)
        middle = f" {rng.choice(INITIALS)}." if rng.random() < 0.3 else ""
        name = f"{given}{middle} {family}"
        alternatives = [f"{given[0]}. {family}", f"{family}, {given}"] if rng.random() < 0.3 else []
        ordinal = self.ids.ordinal[Researcher] + index
        # A few name-only records (L0): no OpenAlex id, no ORCID iD.
        openalex_id = None if anonymous else synthetic_id("A", ordinal)
        orcid = synthetic_orcid(ordinal) if not anonymous and rng.random() < orcid_chance else ""
        pk = self.ids.pk[Researcher] + index
        level = public_verification_level(openalex_id=openalex_id, orcid=orcid)
        self.pending_researchers.append((pk, openalex_id, orcid, name, alternatives, level))
        if institution is not None:
            self.pending_affiliations.append((pk, institution, True, True))
        self.names.append(name)
        self.affiliations.append(institution)
        return index

    def labs_and_consortia(self):
        rng = self.rng
        n_consortium_papers = max(2, self.total_works // 2000)
        self.regular_works = max(self.total_works - n_consortium_papers, 0)
        n_labs = max(4, self.total_works // WORKS_PER_LAB)
        weights = [(rank + 1) ** -LAB_SKEW for rank in range(n_labs)]
        total_weight = sum(weights)
        self.lab_cum = list(accumulate(weights))
        subfields = list(self.subfield_topics)
        self.labs: list[_Lab] = []
        for weight in weights:
            expected = weight / total_weight * self.regular_works
            if rng.random() < 0.88:
                institution = rng.choices(self.institutions, cum_weights=self.institution_cum)[0]
            else:
                institution = None  # a lab whose affiliation was never imported
            pi = self.new_researcher(orcid_chance=0.75, institution=institution)
            n_cores = min(60, 1 + int(math.sqrt(expected) / 1.5))
            cores = [
                self.new_researcher(orcid_chance=0.5, institution=institution)
                for _ in range(n_cores)
            ]
            subfield = rng.choice(subfields)
            pool = self.subfield_topics[subfield]
            field_sources = self.field_sources.get(self.subfield_field[subfield]) or [
                s for ss in self.field_sources.values() for s in ss
            ]
            self.labs.append(
                _Lab(
                    pi=pi,
                    cores=cores,
                    core_weights=list(accumulate(1 / (k + 1) for k in range(n_cores))),
                    institution=institution,
                    topics=rng.sample(pool, min(len(pool), rng.randint(2, 6))),
                    sources=rng.sample(field_sources, min(len(field_sources), 3)),
                    start_year=rng.randint(1980, 2021),
                    students=[],
                )
            )
        # Consortia: a fixed membership, half drawn from lab teams, half seen nowhere else.
        n_consortia = min(max(self.total_works // 50_000, 1), 20)
        members_each = min(max(self.total_works // 5, 120), 900)
        self.consortia = []
        for k in range(n_consortia):
            from_labs = [rng.choice(rng.choice(self.labs).cores) for _ in range(members_each // 2)]
            members = list(dict.fromkeys(from_labs))
            while len(members) < members_each:
                institution = rng.choice(self.institutions) if rng.random() < 0.7 else None
                members.append(self.new_researcher(orcid_chance=0.3, institution=institution))
            name = f"Synthetic {rng.choice(PLACE_HEADS)}{rng.choice(PLACE_TAILS)} Consortium"
            self.consortia.append((name, members, k))
        # Spread consortium papers evenly through the stream of works.
        step = self.total_works / n_consortium_papers
        self.consortium_slots = {int(step * (i + 0.5)) for i in range(n_consortium_papers)}

    def researcher_rows(self):
        rows, links = self.pending_researchers, self.pending_affiliations
        self.pending_researchers, self.pending_affiliations = [], []
        return [
            (Researcher, RESEARCHER_COLUMNS, rows),
            (ResearcherInstitution, AFFILIATION_COLUMNS, links),
        ]

    # Works -----------------------------------------------------------------------------------

    def _lab_authors(self, lab: _Lab) -> list[int]:
        rng = self.rng
        first: list[int] = []
        if rng.random() < 0.35:
            papers = 1 if rng.random() < 0.7 else rng.randint(2, 6)
            institution = lab.institution if rng.random() < 0.6 else None
            student = self.new_researcher(
                orcid_chance=0.25, institution=institution, anonymous=rng.random() < 0.02
            )
            lab.students.append([student, papers])
        if lab.students and rng.random() < 0.8:
            slot = lab.students[rng.randrange(len(lab.students))]
            first.append(slot[0])
            slot[1] -= 1
            if slot[1] <= 0:
                lab.students.remove(slot)
        k = rng.choice((1, 1, 2, 2, 3, 4))
        team = rng.choices(lab.cores, cum_weights=lab.core_weights, k=k)
        if rng.random() < 0.15:
            other = self.labs[rng.randrange(len(self.labs))]
            team.append(rng.choice(other.cores))
        last = [lab.pi] if rng.random() < 0.93 else []
        return list(dict.fromkeys(first + team + last))

    def _text(self, topic_id: int) -> tuple[str, str]:
        rng = self.rng
        topic = self.topic_names[topic_id]
        subject = topic.lower()
        pattern = rng.randrange(4)
        if pattern == 0:
            title = (
                f"{rng.choice(TITLE_ADJECTIVES).capitalize()} {rng.choice(METHODS)} for {subject}"
            )
        elif pattern == 1:
            title = f"On {subject}: evidence from {rng.choice(SETTINGS)}"
        elif pattern == 2:
            title = f"A {rng.choice(TITLE_ADJECTIVES)} approach to {subject}"
        else:
            title = f"Revisiting {subject} with {rng.choice(METHODS)}"
        if rng.random() < 0.15:
            return title, ""
        abstract = (
            f"We investigate {subject}. Using {rng.choice(METHODS)} on {rng.choice(SETTINGS)}, "
            f"we find that {rng.choice(FINDINGS)}. {rng.choice(CLOSINGS)}"
        )
        return title, abstract

    def work_chunks(self, size: int):
        """Yield (rows by model, works in the chunk) until every work is written."""
        rng = self.rng
        types, type_weights = zip(*WORK_TYPES, strict=True)
        type_cum = list(accumulate(type_weights))
        first_work_ordinal = self.ids.ordinal[Work]
        work_pk = self.ids.pk[Work]
        authorship_pk = self.ids.pk[Authorship]
        consortium_papers = 0
        for start in range(0, self.total_works, size):
            works, authorships, affiliations, topics = [], [], [], []
            stop = min(start + size, self.total_works)
            for i in range(start, stop):
                ordinal = first_work_ordinal + i
                openalex_id = synthetic_id("W", ordinal)
                consortium = i in self.consortium_slots
                if consortium:
                    name, members, k = self.consortia[consortium_papers % len(self.consortia)]
                    consortium_papers += 1
                    share = rng.uniform(0.7, 1.0)
                    authors = [m for m in members if rng.random() < share]
                    # Bylines of big collaborations are alphabetical by family name.
                    authors.sort(key=lambda m: self.names[m].rsplit(" ", 1)[-1])
                    lab = self.labs[k % len(self.labs)]
                    work_topics = lab.topics[:2]
                    year = rng.randint(2005, THIS_YEAR)
                    title, abstract = self._text(work_topics[0])
                    title = f"{title} by the {name}"
                    kind, source = "article", rng.choice(lab.sources)
                    cited = int(rng.paretovariate(1.2) * 40)
                else:
                    lab = self.labs[bisect.bisect(self.lab_cum, rng.random() * self.lab_cum[-1])]
                    authors = self._lab_authors(lab)
                    work_topics = list(dict.fromkeys(rng.choices(lab.topics, k=rng.randint(1, 3))))
                    year = max(lab.start_year, THIS_YEAR - int(rng.expovariate(1 / 7)))
                    title, abstract = self._text(work_topics[0])
                    kind = types[bisect.bisect(type_cum, rng.random() * type_cum[-1])]
                    if kind == "preprint":
                        source = rng.choice(self.repositories)
                    else:
                        source = rng.choice(lab.sources) if rng.random() < 0.95 else None
                    age = THIS_YEAR - year + 1
                    cited = min(int((rng.paretovariate(1.5) - 1) * age * 1.5), 50_000)
                published = date(year, 1, 1) + timedelta(days=rng.randrange(365))
                cited_ordinals = {rng.randrange(i) for _ in range(rng.randint(0, 6) if i else 0)}
                references = [
                    synthetic_id("W", first_work_ordinal + k) for k in sorted(cited_ordinals)
                ]
                doi = f"{DOI_PREFIX}{openalex_id.lower()}" if rng.random() < 0.92 else ""
                language = "en" if rng.random() < 0.95 else rng.choice(LANGUAGES)
                pk = work_pk + i
                works.append((pk, openalex_id, doi, title, abstract, kind, year, published,
                              source, cited, language, references, len(authors),
                              citations_by_year(year, cited)))  # fmt: skip
                last = len(authors) - 1
                for order, author in enumerate(authors):
                    position = "first" if order == 0 else "last" if order == last else "middle"
                    researcher_pk = self.ids.pk[Researcher] + author
                    raw_name = self.names[author]
                    authorships.append(
                        (authorship_pk, pk, researcher_pk, position, order, raw_name)
                    )
                    institution = self.affiliations[author]
                    if institution is not None:
                        affiliations.append((authorship_pk, institution))
                    authorship_pk += 1
                for rank, topic in enumerate(work_topics):
                    topics.append((pk, topic, round(0.99 - 0.2 * rank - rng.random() * 0.1, 4)))
            self.work_count += stop - start
            self.authorship_count += len(authorships)
            yield (
                self.researcher_rows()
                + [
                    (Work, WORK_COLUMNS, works),
                    (Authorship, AUTHORSHIP_COLUMNS, authorships),
                    (AuthorshipInstitution, ("authorship_id", "institution_id"), affiliations),
                    (WorkTopic, ("work_id", "topic_id", "score"), topics),
                ],
                stop - start,
            )
