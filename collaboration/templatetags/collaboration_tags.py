from django import template

from profiles import trust

from .. import models
from ..notifications import services as notifications

register = template.Library()


@register.simple_tag(takes_context=True)
def header_counts(context) -> notifications.HeaderCounts:
    """The inbox's and the notifications' unread counts for the page header: one query."""
    request = context.get("request")
    if request is None:
        return notifications.HeaderCounts()
    return notifications.header_counts(request.user)


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
