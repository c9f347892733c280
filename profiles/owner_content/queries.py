"""What the profile page and the owner's edit page read of the owner's words."""

from django.db.models import prefetch_related_objects

from works.models import Work

from .models import OwnerContent, PinnedWork

# Titles offered while typing a work to pin (the record's most cited first).
PIN_SUGGESTIONS = 50


def owner_content_for_page(researcher) -> OwnerContent | None:
    """The owner's words to show with their links, or None (nothing written, or no owner now).

    The content row comes with the record (the page selects ``owner_content`` with it), so this
    costs one query for the links, and none for a record without owner content.
    """
    if not researcher.owner_id:
        return None
    content = getattr(researcher, "owner_content", None)
    if content is None:
        return None
    prefetch_related_objects([content], "links")
    return None if content.is_empty else content


def pinned_works_for_page(researcher) -> list[Work]:
    """The pinned works still on the record, in the owner's order (one query, none without
    owner content)."""
    if not researcher.owner_id or getattr(researcher, "owner_content", None) is None:
        return []
    # A subquery, not a join: a byline may name the person twice, and a pin shows once.
    on_record = researcher.authorships.values("work_id")
    pins = (
        PinnedWork.objects.filter(content_id=researcher.pk, work_id__in=on_record)
        .select_related("work", "work__source")
        .order_by("position")
    )
    return [pin.work for pin in pins]


def pins_for_edit(researcher) -> list[tuple[Work, bool]]:
    """Every pin with its work and whether the work is still on the record, in order."""
    pins = (
        PinnedWork.objects.filter(content_id=researcher.pk)
        .select_related("work")
        .order_by("position")
    )
    on_record = set(
        researcher.authorships.filter(work_id__in=[pin.work_id for pin in pins]).values_list(
            "work_id", flat=True
        )
    )
    return [(pin.work, pin.work_id in on_record) for pin in pins]


def pin_suggestions(researcher) -> list[str]:
    """Titles of the record's most cited works, offered while the owner types one to pin."""
    titles = (
        Work.objects.filter(pk__in=researcher.authorships.values("work_id"))
        .exclude(title="")
        .order_by("-cited_by_count", "-publication_year", "id")
        .values_list("title", flat=True)[:PIN_SUGGESTIONS]
    )
    return list(dict.fromkeys(titles))
