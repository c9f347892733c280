"""Filters every template has (TEMPLATES "builtins"): `|safe_url` on every link built from
imported or user data, `|strip_bidi` on text that must not display as something else."""

import functools

from django import template
from django.urls import get_script_prefix, reverse

from . import page_cache, safety

register = template.Library()


@register.filter
def safe_url(value) -> str:
    """`href="{{ institution.homepage_url|safe_url }}"`: an http(s) URL, or ""."""
    return safety.safe_url(value)


@register.filter
def strip_bidi(value):
    return safety.strip_bidi(value)


class PersonPartNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        if request is not None and getattr(request, page_cache.SHARED_RENDER, False):
            return page_cache.marker(self.origin.template_name)
        return self.nodelist.render(context)


@register.tag
def person_part(parser, token):
    """`{% person_part %}...{% endperson_part %}` around the whole of a partial that differs
    from reader to reader: in a shared page (bzpeer.page_cache) it leaves the partial's marker,
    which each request fills in by rendering the partial for its own reader."""
    nodelist = parser.parse(("endperson_part",))
    parser.delete_first_token()
    return PersonPartNode(nodelist)


@functools.lru_cache(maxsize=4096)
def _reversed(prefix: str, name: str, args: tuple) -> str:
    return reverse(name, args=args)


@register.simple_tag
def fixed_url(name: str, *args) -> str:
    """`{% url %}` computed once per process for each name and arguments: for the parts
    rendered on every request (bzpeer.page_cache), whose links never change."""
    return _reversed(get_script_prefix(), name, tuple(args))
