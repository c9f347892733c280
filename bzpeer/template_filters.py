"""Filters every template has (TEMPLATES "builtins"): `|safe_url` on every link built from
imported or user data, `|strip_bidi` on text that must not display as something else."""

from django import template

from . import safety

register = template.Library()


@register.filter
def safe_url(value) -> str:
    """`href="{{ institution.homepage_url|safe_url }}"`: an http(s) URL, or ""."""
    return safety.safe_url(value)


@register.filter
def strip_bidi(value):
    return safety.strip_bidi(value)
