from django import template

from profiles.seo import jsonld_script

register = template.Library()


@register.filter
def as_jsonld(data: dict) -> str:
    return jsonld_script(data)
