"""The imported tables as sets of rows that do not depend on the order rows were written in:
no primary keys, no write timestamps, foreign keys as the OpenAlex ids they point at."""

import json
from collections import Counter

from django.db import models

from works.models import (
    Authorship,
    AuthorshipInstitution,
    Concept,
    Funder,
    Institution,
    OpenAlexRecord,
    Publisher,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Source,
    Topic,
    Work,
    WorkConcept,
    WorkTopic,
)

MODELS = [
    Work,
    Authorship,
    AuthorshipInstitution,
    WorkTopic,
    WorkConcept,
    Researcher,
    ResearcherInstitution,
    ResearcherName,
    ResearcherTopic,
    Institution,
    Source,
    Topic,
    Concept,
    Publisher,
    Funder,
    OpenAlexRecord,
]


def _written_at(field) -> bool:
    return isinstance(field, models.DateTimeField) and (field.auto_now or field.auto_now_add)


def _columns(model, prefix: str = "", depth: int = 0) -> list[str]:
    columns = []
    for field in model._meta.concrete_fields:
        if (field.primary_key and field.name != "openalex_id") or _written_at(field):
            continue
        if not field.is_relation:
            columns.append(prefix + field.name)
            continue
        target = field.related_model
        if any(f.name == "openalex_id" for f in target._meta.concrete_fields):
            columns.append(f"{prefix}{field.name}__openalex_id")
        elif depth == 0:
            columns += _columns(target, f"{prefix}{field.name}__", depth + 1)
    return columns


def canonical() -> dict[str, Counter]:
    """Every imported table as a multiset of rows."""
    tables = {}
    for model in MODELS:
        rows = model.objects.values_list(*_columns(model))
        tables[model.__name__] = Counter(
            json.dumps(row, sort_keys=True, default=str) for row in rows
        )
    return tables


def empty_tables() -> None:
    """Delete every imported row (a fresh database for a second import in the same test)."""
    for model in MODELS:
        model.objects.all().delete()
