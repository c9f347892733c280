"""A deterministic synthetic scholarly world, for the demo site and for benchmarks.

Nothing here may pose as a real person, institution or work:
- names are built from invented syllables ("Nyxora T. Quasenryx"), institutions and venues all
  carry "Synthetic" in their name and live under the reserved ``.example`` domain;
- DOIs use the DOI test prefix: ``10.5555/synthetic.w9…``;
- OpenAlex-like ids are ``W9``/``A9``/``I9``/``S9``/``T9`` followed by 11 digits (12 digits
  after the letter). Real OpenAlex ids have at most 10 digits, and the test factories use
  ``A9`` + 9 digits, so neither can collide with these;
- ORCID iDs are generated with a valid ISO 7064 checksum in the ``0000-0000-…`` block, which
  ORCID does not issue (it issues 0000-0001-5… to 0000-0003-5… and 0009-…), so a generated iD
  never links to a real person's record. The brief suggested 0000-0002-9…, but that block is
  inside ORCID's issued range.

Shape: productivity is skewed. Each work comes from a "lab" chosen with a Zipf-like weight, so a
few principal investigators have thousands of works (about 5,000 for the top one at 1,000,000
works) and the smallest labs about ten. Labs keep a recurring core team (close collaborators),
take in students who mostly publish once, and now and then borrow someone from another lab.
A few consortia publish papers with hundreds of authors, which must not count as close
collaboration (TRUST.md).

Same seed and same number of works on an empty database give the same rows, primary keys
included; only the created/updated timestamps record when the rows were written.
"""

import bisect
import json
import math
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from itertools import accumulate

from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from profiles import trust
from profiles.services import trust_inputs

from . import identifiers, names
from .models import (
    Authorship,
    Institution,
    Researcher,
    ResearcherName,
    ResearcherTopic,
    Source,
    Topic,
    Work,
    WorkTopic,
)
from .services import public_verification_level

DEFAULT_SEED = 20240601
DOI_PREFIX = "10.5555/synthetic."
CHUNK_WORKS = 20_000
THIS_YEAR = 2025
# Lab weights fall off as rank ** -LAB_SKEW; 0.6 puts the top lab near 0.5% of all works.
LAB_SKEW = 0.6
WORKS_PER_LAB = 20

# --- Invented vocabulary --------------------------------------------------------------------


def _words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


GIVEN_HEADS = _words(
    "Ael Bry Cael Dorv Eth Fyr Gwel Hael Ilv Jhar Kyr Lyth Myr Nyx Orv Pry Quor Ryn Syl Thal Ulv "
    "Vex Wyr Xan Yzm Zor"
)
GIVEN_TAILS = _words("a ane ara en eth ia is o on ora un yn ix elle ando iel")
FAMILY_HEADS = _words(
    "Bram Cor Dal Fen Grav Hol Kes Lom Mar Nev Orm Pell Quas Riv Stol Tarn Vask Wend Yar Zell"
)
FAMILY_MIDS = _words("a e i o u ar en ix ov ul")
FAMILY_TAILS = _words("quist thorn vane mire wick dell grove brook zar ketti mund lowe ryx vell")
INITIALS = "BCDFGHJKLMNPRSTVWZ"
PLACE_HEADS = _words(
    "Var Kel Mor Ost Brin Cal Dun Fal Glen Har Ith Lun Nor Pen Quel Ros Sar Tel Vel Wyn"
)
PLACE_TAILS = _words("holt mora stead wick ford haven mere dale crest port gard bury")

TAXONOMY = {
    "Physical Sciences": {
        "Physics and Astronomy": ["Condensed Matter Physics", "Astronomy and Astrophysics"],
        "Computer Science": ["Artificial Intelligence", "Computer Networks", "Software"],
        "Chemistry": ["Organic Chemistry", "Physical and Theoretical Chemistry"],
        "Mathematics": ["Applied Mathematics", "Statistics and Probability"],
        "Earth and Planetary Sciences": ["Atmospheric Science", "Geophysics"],
        "Engineering": ["Control and Systems Engineering", "Materials Engineering"],
    },
    "Life Sciences": {
        "Biochemistry, Genetics and Molecular Biology": ["Genetics", "Structural Biology"],
        "Agricultural and Biological Sciences": ["Ecology", "Plant Science"],
        "Neuroscience": ["Cognitive Neuroscience", "Cellular Neuroscience"],
    },
    "Health Sciences": {
        "Medicine": ["Epidemiology", "Oncology", "Cardiology"],
        "Nursing": ["Community Care"],
        "Health Professions": ["Rehabilitation"],
    },
    "Social Sciences": {
        "Economics, Econometrics and Finance": ["Labour Economics", "Finance"],
        "Psychology": ["Developmental Psychology", "Social Psychology"],
        "Social Sciences": ["Education", "Library and Information Sciences"],
    },
}
TOPIC_ADJECTIVES = _words(
    "Adaptive Bayesian Coupled Distributed Emergent Fractional Hierarchical Inverse Latent "
    "Multiscale Nonlinear Probabilistic Robust Sparse Stochastic Topological Variational Spectral "
    "Dynamic Comparative"
)
TOPIC_NOUNS = _words(
    "Models Networks Dynamics Inference Structures Signals Transport Patterns Mechanisms Systems "
    "Estimation Control Imaging Processes Interactions Metrics"
)
TITLE_ADJECTIVES = _words(
    "scalable efficient robust unified minimal interpretable rapid accurate generalized principled"
)
METHODS = _words(
    "graph neural surrogates|mixed-effects models|Monte Carlo sampling|spectral decomposition|"
    "cohort analysis|field experiments|synthetic controls|kernel methods|agent-based simulation|"
    "sparse regression",
    "|",
)
SETTINGS = _words(
    "a multi-site cohort|simulated benchmarks|a national panel survey|laboratory measurements|"
    "long-term field data|open synthetic archives|controlled trials|satellite observations",
    "|",
)
FINDINGS = _words(
    "the effect is smaller than previously reported|a simple baseline remains competitive|"
    "two regimes coexist at intermediate scales|the signal is robust to heavy noise|"
    "earlier estimates were biased upward|a threshold emerges near the critical point",
    "|",
)
CLOSINGS = _words(
    "We release the generated data and code.|The results suggest directions for further work.|"
    "Limitations of the synthetic setting are discussed.|Implications for practice are outlined.",
    "|",
)
WORK_TYPES = [("article", 74), ("preprint", 10), ("review", 5), ("book-chapter", 4),
              ("dataset", 2), ("dissertation", 2), ("report", 2), ("book", 1)]  # fmt: skip
INSTITUTION_TYPES = [("education", 60), ("healthcare", 12), ("facility", 12), ("company", 6),
                     ("government", 5), ("nonprofit", 5)]  # fmt: skip
INSTITUTION_NAMES = {
    "education": ["Synthetic University of {p}", "{p} Synthetic Institute of Technology"],
    "healthcare": ["Synthetic {p} Medical Centre"],
    "facility": ["Synthetic {p} Research Laboratory"],
    "company": ["{p} Synthetic Labs Ltd"],
    "government": ["Synthetic {p} Bureau of Standards"],
    "nonprofit": ["Synthetic {p} Foundation for Science"],
}
COUNTRIES = _words("US CN GB DE JP FR IN CA IT AU ES KR BR NL SE CH PL ZA MX NG EG AR FI NZ KE")
LANGUAGES = ["de", "fr", "es", "pt", "ja"]

# --- Columns written per model (everything else gets the model field's default) --------------

RESEARCHER_COLUMNS = ("id", "openalex_id", "orcid", "display_name",
                      "display_name_alternatives", "verification_level")  # fmt: skip
WORK_COLUMNS = ("id", "openalex_id", "doi", "title", "abstract", "type", "publication_year",
                "publication_date", "source_id", "cited_by_count", "language",
                "referenced_works", "authors_count")  # fmt: skip
AUTHORSHIP_COLUMNS = ("id", "work_id", "researcher_id", "position", "order", "raw_author_name")
AuthorshipInstitution = Authorship.institutions.through
ResearcherInstitution = Researcher.last_known_institutions.through


def synthetic_orcid(ordinal: int) -> str:
    """A generated ORCID iD in the unissued 0000-0000-… block (see the module docstring)."""
    base = f"00000000{ordinal % 10_000_000:07d}"
    digits = base + identifiers.orcid_checksum(base)
    return "-".join(digits[i : i + 4] for i in range(0, 16, 4))


def synthetic_id(prefix: str, ordinal: int) -> str:
    return f"{prefix}9{ordinal:011d}"


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


class _Ids:
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
                    openalex_id__regex=rf"^{prefix}9[0-9]{{11}}$"
                ).aggregate(m=models.Max("openalex_id"))["m"]
                self.ordinal[model] = int(highest[2:]) + 1 if highest else 1


class _Generator:
    """Produces the rows of one world; the writer decides how they reach the database."""

    def __init__(self, *, works: int, seed: int, ids: _Ids):
        self.total_works = works
        self.ids = ids
        # Appended worlds get their own stream, so their names differ from the first world's.
        self.rng = random.Random(f"bzpeer-synthetic:{seed}:{sorted(ids.ordinal.values())}")
        self.names: list[str] = []
        self.affiliations: list[int | None] = []
        self.pending_researchers: list[tuple] = []
        self.pending_affiliations: list[tuple[int, int]] = []
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
            self.pending_affiliations.append((pk, institution))
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
            (ResearcherInstitution, ("researcher_id", "institution_id"), links),
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
                              source, cited, language, references, len(authors)))  # fmt: skip
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


# --- Writers ----------------------------------------------------------------------------------


def _full_columns(model, columns, now):
    """Add every other concrete field with its default, as the ORM would; skip an omitted pk."""
    extra = []
    for field in model._meta.concrete_fields:
        if field.attname in columns or field.primary_key:
            continue
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            extra.append((field, now))
        else:
            extra.append((field, field.get_default()))
    return extra


class _CopyWriter:
    """PostgreSQL: stream rows with COPY, the fastest way in."""

    def __init__(self, cursor):
        self.cursor = cursor
        self.now = timezone.now()

    def write(self, model, columns, rows):
        if not rows:
            return
        extra = _full_columns(model, columns, self.now)
        fields = [model._meta.get_field(c) for c in columns] + [f for f, _ in extra]
        json_at = [i for i, f in enumerate(fields) if isinstance(f, models.JSONField)]
        defaults = tuple(json.dumps(v) if isinstance(v, list | dict) else v for _, v in extra)
        self.copy(model._meta.db_table, [f.column for f in fields], rows, json_at, defaults)

    def copy(self, table, columns, rows, json_at=(), defaults=()):
        quote = connection.ops.quote_name
        sql = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        with self.cursor.copy(sql) as copy:
            for row in rows:
                if json_at:
                    row = list(row)
                    for i in json_at:
                        row[i] = json.dumps(row[i])
                copy.write_row((*row, *defaults))


class _BulkWriter:
    """SQLite (and any other backend): large bulk_create batches."""

    def __init__(self, cursor):
        self.cursor = cursor

    def write(self, model, columns, rows):
        model.objects.bulk_create(
            (model(**dict(zip(columns, row, strict=True))) for row in rows), batch_size=5000
        )

    def copy(self, table, columns, rows, json_at=(), defaults=()):
        quote = connection.ops.quote_name
        marks = ", ".join(["%s"] * len(columns))
        names = ", ".join(quote(c) for c in columns)
        self.cursor.executemany(f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows)


# PostgreSQL checks foreign keys row by row and updates every index on each insert, which costs
# more than the COPY itself at this size. Its manual ("Populating a Database") advises dropping
# foreign keys and secondary indexes for a bulk load and adding them back afterwards: one join
# checks a whole constraint, one sort builds a whole index. It all happens in the generator's
# transaction, so no other session ever sees the tables without them.
WRITTEN_MODELS = [Researcher, ResearcherInstitution, Work, Authorship, AuthorshipInstitution,
                  WorkTopic]  # fmt: skip


def _written_tables() -> list[str]:
    return [model._meta.db_table for model in WRITTEN_MODELS]


def _drop_foreign_keys(cursor) -> list[tuple[str, str, str]]:
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE contype = 'f' AND conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
        [_written_tables()],
    )
    foreign_keys = cursor.fetchall()
    for table, name, _ in foreign_keys:
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
    return foreign_keys


def _restore_foreign_keys(cursor, foreign_keys) -> None:
    for table, name, definition in foreign_keys:
        quoted = connection.ops.quote_name(name)
        cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {quoted} {definition}")


def _drop_secondary_indexes(cursor) -> list[tuple[str, str]]:
    """Drop the indexes that no primary key or unique constraint owns; return their definitions."""
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
        "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) ORDER BY 1",
        [_written_tables()],
    )
    indexes = cursor.fetchall()
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    return indexes


def _restore_indexes(cursor, indexes) -> None:
    for _, definition in indexes:
        cursor.execute(definition)


# --- Counters ---------------------------------------------------------------------------------


def _counter_rows(cursor, first_pk: int):
    """Works, cited-by, topics and close collaborators of researchers from first_pk on.

    Set-based versions of works.services.researcher_counters_refresh, whose definitions
    (TRUST.md) they must match; tests compare the two.
    """
    t = {m: m._meta.db_table for m in (Researcher, Authorship, Work, WorkTopic)}
    links = ResearcherInstitution._meta.db_table
    sql = f"""
        SELECT r.id, r.verification_level, r.followers_count, r.orcid, r.headline, r.owner_id,
               COALESCE(w.works, 0), COALESCE(w.cited, 0), COALESCE(tp.topics, 0),
               COALESCE(c.close, 0),
               CASE WHEN EXISTS (SELECT 1 FROM {links} l WHERE l.researcher_id = r.id)
                    THEN 1 ELSE 0 END
        FROM {t[Researcher]} r
        LEFT JOIN (
            SELECT a.researcher_id, COUNT(a.work_id) AS works, SUM(wk.cited_by_count) AS cited
            FROM {t[Authorship]} a JOIN {t[Work]} wk ON wk.id = a.work_id
            WHERE a.researcher_id >= %s
            GROUP BY a.researcher_id
        ) w ON w.researcher_id = r.id
        LEFT JOIN (
            SELECT a.researcher_id, COUNT(DISTINCT wt.topic_id) AS topics
            FROM {t[Authorship]} a JOIN {t[WorkTopic]} wt ON wt.work_id = a.work_id
            WHERE a.researcher_id >= %s
            GROUP BY a.researcher_id
        ) tp ON tp.researcher_id = r.id
        LEFT JOIN (
            SELECT pairs.researcher_id, COUNT(*) AS close
            FROM (
                SELECT mine.researcher_id, theirs.researcher_id AS other_id
                FROM {t[Authorship]} mine
                JOIN {t[Work]} wk ON wk.id = mine.work_id AND wk.authors_count <= %s
                JOIN {t[Authorship]} theirs
                  ON theirs.work_id = mine.work_id AND theirs.researcher_id <> mine.researcher_id
                WHERE mine.researcher_id >= %s
                GROUP BY mine.researcher_id, theirs.researcher_id
                HAVING COUNT(*) >= 2
            ) pairs
            GROUP BY pairs.researcher_id
        ) c ON c.researcher_id = r.id
        WHERE r.id >= %s
        ORDER BY r.id
    """
    limit = settings.BZPEER["CONSORTIUM_AUTHOR_LIMIT"]
    cursor.execute(sql, [first_pk, first_pk, limit, first_pk, first_pk])
    while batch := cursor.fetchmany(10_000):
        yield from batch


def _prune_researchers_without_works(cursor, first_pk: int) -> int:
    """Drop team members and students the dice never put on a paper: a record needs a work."""
    researchers = Researcher._meta.db_table
    authorships = Authorship._meta.db_table
    for table, column in [(ResearcherInstitution._meta.db_table, "researcher_id"),
                          (researchers, "id")]:  # fmt: skip
        cursor.execute(
            f"DELETE FROM {table} WHERE {column} >= %s AND NOT EXISTS "
            f"(SELECT 1 FROM {authorships} a WHERE a.researcher_id = {table}.{column})",
            [first_pk],
        )
    return cursor.rowcount


def _refresh_counters(writer, cursor, first_pk: int) -> None:
    """Store the counters and trust scores of the new researchers in one UPDATE."""
    scores: dict[tuple, int] = {}
    rows = []
    for (
        pk,
        level,
        followers,
        orcid,
        headline,
        owner_id,
        works,
        cited,
        topics,
        close,
        has_aff,
    ) in _counter_rows(cursor, first_pk):
        researcher = Researcher(
            verification_level=level,
            works_count=works,
            close_collaborators_count=close,
            followers_count=followers,
            orcid=orcid,
            headline=headline,
            owner_id=owner_id,
        )
        inputs = trust_inputs(researcher, has_affiliation=bool(has_aff))
        # Many researchers share the same inputs; score each combination once.
        if inputs not in scores:
            scores[inputs] = trust.score(inputs).total
        rows.append((pk, works, int(cited), topics, close, scores[inputs], trust.RUBRIC_VERSION))
    columns = ["id", "works_count", "cited_by_count", "topics_count",
               "close_collaborators_count", "trust_score", "trust_rubric_version"]  # fmt: skip
    cursor.execute("DROP TABLE IF EXISTS synthetic_counters")
    cursor.execute(
        "CREATE TEMPORARY TABLE synthetic_counters (id bigint PRIMARY KEY, "
        + ", ".join(f"{c} bigint NOT NULL" for c in columns[1:])
        + ")"
    )
    writer.copy("synthetic_counters", columns, rows)
    table = Researcher._meta.db_table
    assignments = ", ".join(f"{c} = s.{c}" for c in columns[1:])
    cursor.execute(
        f"UPDATE {table} SET {assignments} FROM synthetic_counters s WHERE {table}.id = s.id"
    )
    cursor.execute("DROP TABLE synthetic_counters")


def _write_search_index(writer, cursor, first_pk: int) -> None:
    """Index the new researchers' names and topics for the directory, as imports do.

    The same keys and folded text as profiles.services builds, written in bulk.
    """
    researchers = Researcher._meta.db_table
    cursor.execute(
        f"SELECT id, display_name FROM {researchers} WHERE id >= %s ORDER BY id", [first_pk]
    )
    key_rows, text_rows = [], []
    while batch := cursor.fetchmany(10_000):
        for pk, display_name in batch:
            key_rows.extend((pk, key[:255]) for key in sorted(names.name_keys(display_name)))
            text_rows.append((pk, names.search_text([display_name])))
    writer.copy(ResearcherName._meta.db_table, ["researcher_id", "key"], key_rows)
    cursor.execute("DROP TABLE IF EXISTS synthetic_search_text")
    cursor.execute("CREATE TEMPORARY TABLE synthetic_search_text (id bigint PRIMARY KEY, t text)")
    writer.copy("synthetic_search_text", ["id", "t"], text_rows)
    cursor.execute(
        f"UPDATE {researchers} SET search_text = s.t FROM synthetic_search_text s "
        f"WHERE {researchers}.id = s.id"
    )
    cursor.execute("DROP TABLE synthetic_search_text")
    topics = ResearcherTopic._meta.db_table
    cursor.execute(
        f"INSERT INTO {topics} (researcher_id, topic_id, works_count) "
        f"SELECT a.researcher_id, wt.topic_id, COUNT(*) "
        f"FROM {Authorship._meta.db_table} a "
        f"JOIN {WorkTopic._meta.db_table} wt ON wt.work_id = a.work_id "
        f"WHERE a.researcher_id >= %s GROUP BY a.researcher_id, wt.topic_id",
        [first_pk],
    )


# --- Entry point ------------------------------------------------------------------------------


def database_is_empty() -> bool:
    return not (Work.objects.exists() or Researcher.objects.exists())


def generate(
    *,
    works: int,
    seed: int = DEFAULT_SEED,
    append: bool = False,
    progress: Callable[[int], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> Summary:
    """Write a synthetic world of `works` works in one transaction; return what was written.

    With append, primary keys and synthetic ids continue after the rows already present;
    without it the caller must make sure the database holds no works or researchers.
    """
    if works < 1:
        raise ValueError("works must be at least 1")
    if not append and not database_is_empty():
        raise ValueError("the database already holds works or researchers; pass append=True")
    started = time.monotonic()

    def step(message):
        if log:
            log(f"{message} ({time.monotonic() - started:.0f} s)")

    with transaction.atomic(), connection.cursor() as cursor:
        postgres = connection.vendor == "postgresql"
        if postgres:
            # Sorting for new indexes and hashing millions of co-author pairs need room.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            # Run the caller's pending deferred checks now: PostgreSQL refuses to alter a table
            # that still has some.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            foreign_keys = _drop_foreign_keys(cursor)
            indexes = _drop_secondary_indexes(cursor)
            writer = _CopyWriter(cursor)
        else:
            writer = _BulkWriter(cursor)
        ids = _Ids(append=append)
        generator = _Generator(works=works, seed=seed, ids=ids)
        summary = Summary()
        for model, columns, rows in generator.reference_rows():
            writer.write(model, columns, rows)
            setattr(summary, f"{model._meta.model_name}s", len(rows))
        generator.labs_and_consortia()
        for tables, done in generator.work_chunks(CHUNK_WORKS):
            for model, columns, rows in tables:
                writer.write(model, columns, rows)
            if progress:
                progress(done)
        # Prune before the foreign keys are back: each deleted row would otherwise be checked
        # against authorships that have no researcher index yet.
        pruned = _prune_researchers_without_works(cursor, ids.pk[Researcher])
        if postgres:
            step("Checking foreign keys")
            _restore_foreign_keys(cursor, foreign_keys)
        step("Computing counters and trust scores")
        _refresh_counters(writer, cursor, ids.pk[Researcher])
        step("Indexing names and topics")
        _write_search_index(writer, cursor, ids.pk[Researcher])
        if postgres:
            step("Building indexes")
            _restore_indexes(cursor, indexes)
        reset = connection.ops.sequence_reset_sql(
            no_style(), [Topic, Institution, Source, Researcher, Work, Authorship]
        )
        for statement in reset:
            cursor.execute(statement)
    summary.works = generator.work_count
    summary.researchers = len(generator.names) - pruned
    summary.authorships = generator.authorship_count
    summary.seconds = time.monotonic() - started
    return summary
