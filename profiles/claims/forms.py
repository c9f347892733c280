"""Forms for claiming, disputing, moderating and the owner's edits. They only validate input;
the rules live in profiles.claims.services."""

from django import forms

from bzpeer.errors import DomainError

from . import services as claims


class ClaimForm(forms.Form):
    email = forms.EmailField(
        label="Email address to confirm",
        max_length=254,
        help_text=(
            "We send a one-time link to this address. Once you open it, a moderator reviews "
            "the claim unless the rules above approve it at once."
        ),
    )
    orcid = forms.CharField(
        label="ORCID iD (optional)",
        required=False,
        max_length=40,
        help_text="For example 0000-0002-1825-0097.",
    )
    url = forms.URLField(
        label="Public page about you (optional)",
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text="A staff page or homepage that names you and this work.",
    )
    note = forms.CharField(
        label="Note for the moderators (optional)",
        required=False,
        max_length=claims.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_orcid(self):
        value = self.cleaned_data["orcid"]
        if not value.strip():
            return ""
        try:
            return claims.normalise_orcid(value)
        except DomainError as exc:
            raise forms.ValidationError(str(exc)) from None


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=claims.REASON_MAX, widget=forms.Textarea(attrs={"rows": 3}), strip=True
    )


class DisputeForm(ReasonForm):
    reason = forms.CharField(
        label="Why is this claim wrong?",
        max_length=claims.REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="Only moderators read this. Say who you are and what shows the record is not "
        "its owner's.",
    )


class ResearcherProfileForm(forms.Form):
    headline = forms.CharField(
        max_length=claims.HEADLINE_MAX,
        required=False,
        help_text="One sentence about your research. Leave empty for the plain default.",
    )
    open_to_collaborate = forms.BooleanField(
        label="Open to collaboration invitations", required=False
    )
