import io

import pytest
from django.core.management import CommandError, call_command

from tests import factories
from works.models import Researcher, ResearcherName

pytestmark = pytest.mark.django_db


def test_refresh_all_rebuilds_counters_and_the_search_index():
    person = factories.researcher(display_name="Refreshed Person")
    factories.work(authors=[person])
    # As after an upgrade: derived data missing or wrong.
    ResearcherName.objects.all().delete()
    Researcher.objects.filter(pk=person.pk).update(works_count=0, trust_score=0)
    out = io.StringIO()
    call_command("refresh_researchers", "--all", stdout=out)
    person.refresh_from_db()
    assert person.works_count == 1
    assert person.trust_score > 0
    assert Researcher.objects.search("refreshed person").first() == person
    assert "Refreshed 1 researchers." in out.getvalue()


def test_refresh_unknown_id_is_a_one_line_error():
    with pytest.raises(CommandError, match="No researcher with id 999999"):
        call_command("refresh_researchers", "999999")
