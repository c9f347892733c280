"""Small builders for tests: real rows through the ORM, no factory library needed."""

import itertools

from profiles.services import researchers_refresh
from works.models import Authorship, Institution, Researcher, Source, Topic, Work, WorkTopic
from works.services import researcher_names_refresh

_ids = itertools.count(1)


def researcher(**fields) -> Researcher:
    n = next(_ids)
    fields.setdefault("display_name", f"Test Researcher {n}")
    fields.setdefault("openalex_id", f"A9{n:09d}")
    fields.setdefault("verification_level", 1 if fields.get("openalex_id") else 0)
    created = Researcher.objects.create(**fields)
    # Index its names for search, as imports do.
    researcher_names_refresh(researcher_ids=[created.pk])
    return created


def institution(**fields) -> Institution:
    n = next(_ids)
    fields.setdefault("display_name", f"Test Institute {n}")
    fields.setdefault("openalex_id", f"I9{n:09d}")
    return Institution.objects.create(**fields)


def topic(**fields) -> Topic:
    n = next(_ids)
    fields.setdefault("display_name", f"Test Topic {n}")
    fields.setdefault("openalex_id", f"T9{n:09d}")
    return Topic.objects.create(**fields)


def source(**fields) -> Source:
    n = next(_ids)
    fields.setdefault("display_name", f"Test Journal {n}")
    return Source.objects.create(**fields)


def work(*, authors=(), topics=(), **fields) -> Work:
    n = next(_ids)
    fields.setdefault("title", f"Test Work {n}")
    fields.setdefault("openalex_id", f"W9{n:09d}")
    fields.setdefault("publication_year", 2020)
    fields.setdefault("type", "article")
    fields.setdefault("authors_count", len(authors))
    created = Work.objects.create(**fields)
    Authorship.objects.bulk_create(
        Authorship(
            work=created,
            researcher=author,
            order=i,
            raw_author_name=author.display_name,
            position="first" if i == 0 else "middle",
        )
        for i, author in enumerate(authors)
    )
    WorkTopic.objects.bulk_create(WorkTopic(work=created, topic=t) for t in topics)
    return created


def refresh(*researchers) -> None:
    researchers_refresh(researcher_ids=[r.pk for r in researchers])
    for r in researchers:
        r.refresh_from_db()


def affiliate(researcher: Researcher, *institutions: Institution) -> None:
    """Put institutions on the record as its author record's last known ones."""
    researcher.institutions.add(
        *institutions, through_defaults={"last_known": True, "in_record": True}
    )
