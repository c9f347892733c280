"""The owner's edit forms. They check the input's shape; the rules are services' clean_*."""

from django import forms

from bzpeer.errors import DomainError

from . import services
from .models import (
    BIO_MAX,
    KEYWORD_MAX_LENGTH,
    KEYWORDS_MAX,
    LINK_LABEL_MAX,
    LINK_URL_MAX,
    LINKS_MAX,
)


def _checked(rule, *args):
    try:
        return rule(*args)
    except DomainError as exc:
        raise forms.ValidationError(str(exc)) from None


class OwnerWordsForm(forms.Form):
    bio = forms.CharField(
        label="Short bio",
        required=False,
        max_length=BIO_MAX,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=f"In your own words, up to {BIO_MAX} characters. The profile shows it as "
        "written by you.",
    )
    keywords = forms.CharField(
        label="Keywords",
        required=False,
        max_length=KEYWORDS_MAX * (KEYWORD_MAX_LENGTH + 2),
        help_text=f"Up to {KEYWORDS_MAX}, separated by commas: what you work on, as you say it.",
    )

    def clean_bio(self):
        return _checked(services.clean_bio, self.cleaned_data["bio"])

    def clean_keywords(self):
        return _checked(
            services.clean_keywords, services.split_keywords(self.cleaned_data["keywords"])
        )


class LinkForm(forms.Form):
    label = forms.CharField(
        label="Label",
        required=False,
        max_length=LINK_LABEL_MAX,
        widget=forms.TextInput(attrs={"placeholder": "Homepage, Lab, Mastodon…"}),
    )
    # A plain text box: the address is checked by the one rule (http or https only) below.
    url = forms.CharField(
        label="Web address",
        required=False,
        max_length=LINK_URL_MAX,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def clean(self):
        cleaned = super().clean()
        label, url = cleaned.get("label", ""), cleaned.get("url", "")
        if label.strip() or url.strip():
            cleaned["label"], cleaned["url"] = _checked(services.clean_link, label, url)
        return cleaned


LinkFormSet = forms.formset_factory(
    LinkForm, extra=0, max_num=LINKS_MAX, absolute_max=LINKS_MAX, validate_max=True
)


def link_formset(data=None, *, links=()) -> forms.BaseFormSet:
    """The links form: the owner's links, then empty rows up to LINKS_MAX."""
    initial = [{"label": link.label, "url": link.url} for link in links]
    initial += [{}] * (LINKS_MAX - len(initial))
    return LinkFormSet(data, initial=None if data is not None else initial, prefix="links")


def links_of(formset) -> list[tuple[str, str]]:
    """The (label, url) pairs of a valid links form, in order."""
    return [
        (form.cleaned_data.get("label", ""), form.cleaned_data.get("url", ""))
        for form in formset.forms
        if form.cleaned_data
    ]


class PinForm(forms.Form):
    work = forms.CharField(
        label="Title or DOI of one of your works",
        max_length=1000,
        widget=forms.TextInput(attrs={"list": "pin-suggestions", "autocomplete": "off"}),
    )
