from django import template

from bzpeer import page_cache
from profiles import trust

from .. import models
from ..notifications import services as notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def header_counts(context) -> notifications.HeaderCounts:
    """The inbox's and the notifications' unread counts for the page header, from the
    reader's per-person state (one cache read; one query when it is not cached)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return notifications.HeaderCounts()
    return page_cache.person_state(request)["unread"]


@register.filter
def trust_tier(score: int) -> str:
    return trust.tier_for(score)


@register.filter
def person_name(user) -> str:
    return models.person_name(user)


@register.filter
def other_party_name(conversation, user) -> str:
    return conversation.other_party_name(user)


@register.filter
def is_unread_for(conversation, user) -> bool:
    return conversation.is_unread_for(user)
