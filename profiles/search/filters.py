"""The researcher filters and sort orders, defined once for the HTML directory and the REST list.

The directory reads its parameters liberally (an unknown value is explained and dropped, see
profiles.search.directory); the REST list answers a bad value with a 400 (DjangoFilterBackend).
Both start from live records and end in the same ordering rule: the chosen sort, else the
search's own ranking when there is a query, else trust (``Researcher.objects.ranked()``).
"""

import django_filters
from django import forms
from django.core.validators import RegexValidator
from django.db import models
from drf_spectacular.drainage import set_override
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework.fields import BooleanField as ApiBoolean

from bzpeer.api import MAX_ID
from works.models import Researcher, ResearcherInstitution, ResearcherTopic
from works.models.researchers import RANK_ORDER

# Every institution a record is known at: its author record's and its own authorships'.
Affiliation = ResearcherInstitution
CLAIMED = models.Q(claim_status__in=["claimed", "verified"])

SORTS = {
    "trust": RANK_ORDER,
    "works": ("-works_count", "-trust_score", "id"),
    "followers": ("-followers_count", "-trust_score", "id"),
    "cited": ("-cited_by_count", "id"),
    "name": ("display_name", "id"),
}
# The directory's sort menu: "relevance" is the search's ranking (trust without a query).
DIRECTORY_SORTS = ["relevance", "trust", "works", "followers"]
API_ORDERINGS = ["trust", "works", "cited", "name"]


class StrictBooleanField(forms.Field):
    """true/false as the rest of the API reads them; anything else is an error, not "unset"."""

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ApiBoolean.TRUE_VALUES:
            return True
        if value in ApiBoolean.FALSE_VALUES:
            return False
        raise forms.ValidationError("Must be a valid boolean.", code="invalid")


@extend_schema_field(OpenApiTypes.INT)
class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The bounds the form checks, in the API schema too.
        bounds = {"minimum": self.extra.get("min_value"), "maximum": self.extra.get("max_value")}
        schema = {"type": "integer", **{k: v for k, v in bounds.items() if v is not None}}
        set_override(self, "field", schema)


class BooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def _exists(link, **lookups):
    return models.Exists(link.objects.filter(researcher=models.OuterRef("pk"), **lookups))


class ResearcherFilter(django_filters.FilterSet):
    """Every filter of the researcher lists; each consumer documents the ones it offers."""

    # Declared first: the search replaces the queryset's order, the sorts below come after it.
    q = extend_schema_field({"type": "string", "maxLength": 200})(
        django_filters.CharFilter(method="by_name", max_length=200, help_text="Words of a name.")
    )
    # Directory and REST list.
    institution = IntegerFilter(
        method="by_institution", min_value=1, max_value=MAX_ID, help_text="An institution's id."
    )
    # The directory's filters.
    topic = IntegerFilter(
        method="by_topic", min_value=1, max_value=MAX_ID, help_text="A topic's id."
    )
    country = extend_schema_field({"type": "string", "pattern": "^([A-Za-z]{2})?$"})(
        django_filters.CharFilter(
            method="by_country",
            validators=[RegexValidator(r"^[A-Za-z]{2}$", "A country is a two-letter code.")],
            help_text="A two-letter country code of a last known institution.",
        )
    )
    claimed = django_filters.ChoiceFilter(
        method="by_claimed", choices=[("yes", "claimed"), ("no", "unclaimed")]
    )
    open = django_filters.ChoiceFilter(method="by_open", choices=[("yes", "open to collaborate")])
    sort = django_filters.ChoiceFilter(
        method="sorted_by", choices=[(name, name) for name in DIRECTORY_SORTS]
    )
    # The REST list's filters.
    verification_level = IntegerFilter(min_value=0, max_value=3)
    claim_status = django_filters.ChoiceFilter(choices=Researcher.ClaimStatus.choices)
    open_to_collaborate = BooleanFilter()
    min_trust = IntegerFilter(
        field_name="trust_score", lookup_expr="gte", min_value=0, max_value=100
    )
    ordering = django_filters.ChoiceFilter(
        method="sorted_by",
        choices=[(name, name) for name in API_ORDERINGS],
        help_text="Without it: the search's own ranking when `q` is given, else trust.",
    )

    class Meta:
        model = Researcher
        fields: list[str] = []

    def by_name(self, researchers, name, value):
        return researchers.search(value)

    def by_topic(self, researchers, name, value):
        return researchers.filter(_exists(ResearcherTopic, topic_id=value))

    def by_institution(self, researchers, name, value):
        return researchers.filter(_exists(Affiliation, institution_id=value))

    def by_country(self, researchers, name, value):
        return researchers.filter(_exists(Affiliation, institution__country_code=value.upper()))

    def by_claimed(self, researchers, name, value):
        return researchers.filter(CLAIMED if value == "yes" else ~CLAIMED)

    def by_open(self, researchers, name, value):
        return researchers.filter(open_to_collaborate=True)

    def sorted_by(self, researchers, name, value):
        return researchers.order_by(*SORTS[value]) if value in SORTS else researchers

    def filter_queryset(self, queryset):
        researchers = super().filter_queryset(queryset)
        chosen = self.form.cleaned_data
        if not chosen.get("q") and chosen.get("sort") not in SORTS and not chosen.get("ordering"):
            researchers = researchers.ranked()
        return researchers
