from django import template

from profiles import trust

from .. import invites, models

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_count(context) -> int:
    """New invitations and unseen conversation activity for the page header: one query."""
    request = context.get("request")
    if request is None:
        return 0
    return invites.unread_count(request.user)


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
