"""Taking the generated demo world out of a database, and only it.

What was generated is recognisable by what ``world`` writes and nothing real carries: synthetic
OpenAlex-like ids (``W9``/``A9``/``I9``/``S9``/``T9`` and 11 more digits, longer than any real
one; the works' DOIs under the test prefix ``10.5555/synthetic.`` and the ORCID iDs in the
unissued ``0000-0000-`` block come with them), and, for the few generated name-only researchers
(no id at all), authorships on generated works only. Real records that shared a
generated work (someone imported beside the demo and edited into it) lose that work and are
refreshed like any changed record.
"""

from dataclasses import dataclass

from django.db import transaction

from works.models import Authorship, Institution, Researcher, Source, Topic, Work
from works.services import batches, researchers_changed

from .world import synthetic_id_regex

DELETE_BATCH = 2000


class DemoRemovalError(Exception):
    """The demo cannot be removed as things are; the message says why and what to do."""


@dataclass
class Removed:
    works: int = 0
    researchers: int = 0
    topics: int = 0
    institutions: int = 0
    sources: int = 0
    kept_researchers_refreshed: int = 0

    @property
    def total(self) -> int:
        return self.works + self.researchers + self.topics + self.institutions + self.sources


def synthetic(model, prefix: str):
    """The rows of a model with a generated id: a range of the unique id index, then the
    pattern, so that a big real database is not scanned to find none."""
    # Letters and digits only in the bounds: they sort alike under any collation.
    return model.objects.filter(
        openalex_id__gte=f"{prefix}9{'0' * 11}", openalex_id__lte=f"{prefix}9{'9' * 11}"
    ).filter(openalex_id__regex=synthetic_id_regex(prefix))


def demo_works():
    return synthetic(Work, "W")


def demo_researcher_ids() -> list[int]:
    """Generated researchers: their synthetic id, or (name-only ones) generated works alone."""
    ids = set(synthetic(Researcher, "A").values_list("pk", flat=True))
    works = demo_works().values("pk")
    name_only = set(
        Researcher.objects.filter(
            openalex_id__isnull=True, orcid="", authorships__work__in=works
        ).values_list("pk", flat=True)
    )
    elsewhere = Authorship.objects.filter(researcher_id__in=name_only).exclude(work__in=works)
    name_only -= set(elsewhere.values_list("researcher_id", flat=True))
    return sorted(ids | name_only)


def demo_counts() -> Removed:
    """What remove_demo would remove."""
    return Removed(
        works=demo_works().count(),
        researchers=len(demo_researcher_ids()),
        topics=synthetic(Topic, "T").count(),
        institutions=synthetic(Institution, "I").count(),
        sources=synthetic(Source, "S").count(),
    )


@transaction.atomic
def demo_remove() -> Removed:
    """Delete every generated row (and what hangs on them: claims, follows, slices...)."""
    researcher_ids = demo_researcher_ids()
    merged_in = Researcher.objects.filter(merged_into__in=researcher_ids).exclude(
        pk__in=researcher_ids
    )
    if merged_in.exists():
        example = merged_in.values_list("pk", flat=True).first()
        raise DemoRemovalError(
            f"Real records were merged into demo records (for example researcher {example}): "
            "unmerge them first; nothing was removed."
        )
    work_ids = list(demo_works().values_list("pk", flat=True))
    kept = set(
        Authorship.objects.filter(work_id__in=work_ids)
        .exclude(researcher_id__in=researcher_ids)
        .values_list("researcher_id", flat=True)
    )
    removed = Removed()
    # A demo record merged into another points at it (PROTECT): undo those pointers first.
    Researcher.objects.filter(pk__in=researcher_ids, merged_into__isnull=False).update(
        merged_into=None
    )
    for batch in batches(work_ids, DELETE_BATCH):
        removed.works += Work.objects.filter(pk__in=batch).delete()[1].get("works.Work", 0)
    for batch in batches(researcher_ids, DELETE_BATCH):
        deleted = Researcher.objects.filter(pk__in=batch).delete()[1]
        removed.researchers += deleted.get("works.Researcher", 0)
    removed.topics = synthetic(Topic, "T").delete()[1].get("works.Topic", 0)
    removed.institutions = synthetic(Institution, "I").delete()[1].get("works.Institution", 0)
    removed.sources = synthetic(Source, "S").delete()[1].get("works.Source", 0)
    if kept:
        # Counters, trust scores, cached pages and graph slices of the real records that lost
        # a generated work.
        researchers_changed(researcher_ids=kept)
        removed.kept_researchers_refreshed = len(kept)
    return removed
