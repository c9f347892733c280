"""The data migration that gives names with an umlaut the keys of their spelled-out form."""

import importlib

import pytest
from django.apps import apps

from tests import factories
from works.models import Researcher, ResearcherName

pytestmark = pytest.mark.django_db

migration = importlib.import_module("works.migrations.0005_german_spellings_in_name_keys")


def test_records_indexed_before_the_change_get_both_spellings():
    umlaut = factories.researcher(display_name="Frank Wätzold")
    alternative = factories.researcher(
        display_name="J. Smith", display_name_alternatives=["Jörg Schmidt"]
    )
    plain = factories.researcher(display_name="Frank Watson")
    # As the old code indexed them: no spelled-out keys, one spelling in the search text.
    ResearcherName.objects.filter(key__contains="oe").delete()
    ResearcherName.objects.filter(key__contains="ae").delete()
    Researcher.objects.filter(pk=umlaut.pk).update(search_text="frank watzold")
    plain_keys = set(plain.name_keys.values_list("key", flat=True))

    migration.reindex(apps, None)

    assert "frank waetzold" in set(umlaut.name_keys.values_list("key", flat=True))
    assert "joerg schmidt" in set(alternative.name_keys.values_list("key", flat=True))
    umlaut.refresh_from_db()
    assert umlaut.search_text == "frank watzold | frank waetzold"
    assert set(plain.name_keys.values_list("key", flat=True)) == plain_keys
    assert Researcher.objects.search("Waetzold")[0] == umlaut
