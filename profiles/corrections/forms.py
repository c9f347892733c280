"""Forms of the correction pages. They only validate input; the rules live in
profiles.corrections.services."""

from django import forms

from . import services as corrections
from .models import CorrectionSuggestion


class RemoveForm(forms.Form):
    reason = forms.CharField(
        label="Why is this work not yours?",
        max_length=corrections.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Only you and the moderators read this. The public history says which work "
        "you removed, not why.",
    )


class MergeForm(forms.Form):
    other = forms.IntegerField(label="Your other record", min_value=1)
    keep = forms.ChoiceField(
        label="Which record stays",
        choices=[
            ("this", "This record stays; the other one redirects here"),
            ("other", "The other record stays; this one redirects there"),
        ],
        initial="this",
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, owned=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.pk, f"{r.display_name} ({r.openalex_id or f'record {r.pk}'})") for r in owned]
        self.fields["other"].widget = forms.Select(choices=choices)


class SuggestionForm(forms.Form):
    kind = forms.ChoiceField(
        label="What is wrong?", choices=CorrectionSuggestion.Kind.choices, widget=forms.RadioSelect
    )
    work = forms.CharField(
        label="The work's DOI or title",
        required=False,
        max_length=500,
        help_text="For a wrong or a missing work.",
    )
    message = forms.CharField(
        label="Anything the owner or the moderators should know",
        required=False,
        max_length=corrections.MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class DecisionForm(forms.Form):
    note = forms.CharField(required=False, max_length=corrections.REASON_MAX)
