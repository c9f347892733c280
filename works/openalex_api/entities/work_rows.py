"""A list page's works with what their JSON needs, read as plain values rather than models.

`serializers.work` reads a work's byline, institutions, topics and concepts. Prefetched as
models, a consortium page (25 works of 100 authorships, 2,000 institution links) cost 1.1 s of
Python for 8,000 model instances and a queryset cloned per authorship, against 70 ms of SQL;
read with `values_list` into plain objects (the attributes `serializers.work` reads, nothing
else) the same page costs a tenth. The same four queries, each bounded by the page: bylines
through the (work, order) index, cut at LIST_AUTHORSHIPS + 1.
"""

from types import SimpleNamespace

import orjson
from django.db.models import TextField
from django.db.models.functions import Cast

from works.models import Authorship, AuthorshipInstitution, Work, WorkConcept, WorkTopic

from .. import serializers


class Loaded(list):
    """Related rows already read, answering `.all()` as a prefetched relation does."""

    def all(self):
        return self


def _namespace(names: tuple[str, ...], values) -> SimpleNamespace:
    return SimpleNamespace(**dict(zip(names, values, strict=True)))


INSTITUTION = ("pk", "openalex_id", "display_name", "ror", "country_code", "type")
TOPIC = ("pk", "openalex_id", "display_name", "subfield", "field", "domain")
CONCEPT = ("pk", "openalex_id", "display_name", "level", "wikidata")
RESEARCHER = ("pk", "openalex_id", "display_name", "orcid")
AUTHORSHIP = ("id", "work_id", "position", "raw_author_name", "is_corresponding")
# JSON columns, read as text and decoded by orjson: Django's json.loads per value was a third
# of the page's Python time.
AUTHORSHIP_JSON = ("raw_affiliation_strings", "countries")


def _related(prefix: str, names: tuple[str, ...]) -> list[str]:
    return [f"{prefix}__{'id' if name == 'pk' else name}" for name in names]


def load_work_rows(pks) -> list[Work]:
    """The works with these pks, each with its stored record (attach_documents) or, without
    one, its list-form byline (cut at LIST_AUTHORSHIPS + 1), topics and concepts attached."""
    rows = serializers.attach_documents(
        Work.objects.filter(pk__in=list(pks)).select_related("source"), in_list=True
    )
    typed = {row.pk: row for row in rows if row.document is None}
    for row in typed.values():
        row._prefetched_objects_cache = {
            "authorships": Loaded(),
            "work_topics": Loaded(),
            "work_concepts": Loaded(),
        }
    if not typed:
        return rows

    bylines = Authorship.objects.filter(
        work_id__in=list(typed), order__lte=serializers.LIST_AUTHORSHIPS
    ).order_by("work_id", "order", "id")
    texts = {f"{name}_text": Cast(name, TextField()) for name in AUTHORSHIP_JSON}
    authorships = {}
    for values in bylines.annotate(**texts).values_list(
        *AUTHORSHIP, *texts, *_related("researcher", RESEARCHER)
    ):
        entry = _namespace(AUTHORSHIP, values[: len(AUTHORSHIP)])
        start = len(AUTHORSHIP) + len(AUTHORSHIP_JSON)
        for name, text in zip(AUTHORSHIP_JSON, values[len(AUTHORSHIP) : start], strict=True):
            setattr(entry, name, None if text is None else orjson.loads(text))
        person = _namespace(RESEARCHER, values[start:])
        if person.pk is None:
            entry.researcher = None
            entry.name = entry.raw_author_name
        else:
            person.orcid_url = f"https://orcid.org/{person.orcid}" if person.orcid else ""
            entry.researcher = person
            entry.name = entry.raw_author_name or person.display_name
        entry.institution_links = Loaded()
        authorships[entry.id] = entry
        typed[entry.work_id]._prefetched_objects_cache["authorships"].append(entry)

    if authorships:
        # Through the byline's own bound, not its ids: 2,500 ids would cost more to send.
        links = AuthorshipInstitution.objects.filter(
            authorship__work_id__in=list(typed),
            authorship__order__lte=serializers.LIST_AUTHORSHIPS,
        )
        for values in links.order_by("authorship_id", "order").values_list(
            "authorship_id", "order", *_related("institution", INSTITUTION)
        ):
            institution = _namespace(INSTITUTION, values[2:])
            link = SimpleNamespace(order=values[1], institution=institution)
            authorships[values[0]].institution_links.append(link)

    for model, name, target, fields in (
        (WorkTopic, "work_topics", "topic", TOPIC),
        (WorkConcept, "work_concepts", "concept", CONCEPT),
    ):
        scored = model.objects.filter(work_id__in=list(typed)).order_by("work_id", "id")
        for values in scored.values_list("work_id", "score", *_related(target, fields)):
            link = SimpleNamespace(score=values[1])
            setattr(link, target, _namespace(fields, values[2:]))
            typed[values[0]]._prefetched_objects_cache[name].append(link)
    return rows
