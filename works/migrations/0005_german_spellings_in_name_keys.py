"""Give the names that hold an umlaut the keys of their spelled-out form too (works.names).

"Wätzold" now also has the keys of "Waetzold", and its search text both spellings, so that
either spelling finds it. Only researchers with an umlaut in a name change; they are found once,
here, by a pattern over the names (a one-off pass at upgrade time, never at request time), and
re-indexed in batches exactly as works.services would. Data only: the schema is unchanged.
"""

from django.db import migrations, models
from django.db.models.functions import Cast

from works import names

# The composed umlauts, and U+0308 (the combining diaeresis) for names written decomposed.
UMLAUTS = "[äöüÄÖÜ\u0308]"
BATCH = 1000


def _all_names(researcher) -> list[str]:
    alternatives = researcher.display_name_alternatives or []
    return [researcher.display_name, *(n for n in alternatives if isinstance(n, str) and n)]


def reindex(apps, schema_editor):
    Researcher = apps.get_model("works", "Researcher")
    ResearcherName = apps.get_model("works", "ResearcherName")
    with_umlauts = (
        Researcher.objects.annotate(alternatives=Cast("display_name_alternatives", models.TextField()))
        .filter(models.Q(display_name__regex=UMLAUTS) | models.Q(alternatives__regex=UMLAUTS))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    ids = list(with_umlauts)
    for start in range(0, len(ids), BATCH):
        batch = list(
            Researcher.objects.filter(pk__in=ids[start : start + BATCH]).only(
                "pk", "display_name", "display_name_alternatives"
            )
        )
        keys = [
            ResearcherName(researcher_id=r.pk, key=key[:255])
            for r in batch
            for key in sorted(set().union(*(names.name_keys(n) for n in _all_names(r))))
        ]
        ResearcherName.objects.filter(researcher_id__in=[r.pk for r in batch]).delete()
        ResearcherName.objects.bulk_create(keys, batch_size=5000, ignore_conflicts=True)
        for researcher in batch:
            researcher.search_text = names.search_text(_all_names(researcher))
        Researcher.objects.bulk_update(batch, ["search_text"])


class Migration(migrations.Migration):
    dependencies = [("works", "0004_work_citing_lookup_index")]

    operations = [migrations.RunPython(reindex, migrations.RunPython.noop)]
