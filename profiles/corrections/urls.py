from django.urls import path, re_path, register_converter

from works.models import Researcher

from . import views as correction_views


class MergedResearcherConverter:
    """Matches only the id of a merged record, and gives its survivor's id.

    Any other id makes the pattern not match (ValueError), so the URL goes on to the page or
    API view it names. It costs one primary-key lookup, and only the sub-pages pay it: the
    profile page and the API detail redirect from the row they load anyway.
    """

    regex = "[0-9]{1,18}"

    def to_python(self, value):
        survivor = (
            Researcher.objects.filter(pk=int(value), merged_into__isnull=False)
            .values_list("merged_into_id", flat=True)
            .first()
        )
        if survivor is None:
            raise ValueError("not a merged record")
        return survivor

    def to_url(self, value):
        return str(value)


register_converter(MergedResearcherConverter, "merged")

app_name = "corrections"

urlpatterns = [
    # First in bzpeer/urls.py: a merged record's sub-pages and API URLs go to its survivor.
    path("researchers/<merged:pk>/<path:rest>", correction_views.merged_redirect, name="merged"),
    path(
        "api/researchers/<merged:pk>/<path:rest>",
        correction_views.merged_redirect,
        {"api": True},
        name="merged-api",
    ),
    path("researchers/<int:pk>/corrections/", correction_views.corrections_home, name="home"),
    path(
        "researchers/<int:pk>/corrections/works/<int:work_id>/remove/",
        correction_views.work_remove,
        name="remove",
    ),
    path(
        "researchers/<int:pk>/corrections/works/<int:work_id>/restore/",
        correction_views.work_restore,
        name="restore",
    ),
    path("researchers/<int:pk>/corrections/add/", correction_views.work_add, name="add"),
    path("researchers/<int:pk>/corrections/merge/", correction_views.merge, name="merge"),
    path("researchers/<int:pk>/suggest/", correction_views.suggest, name="suggest"),
    path("me/suggestions/", correction_views.suggestions, name="suggestions"),
    re_path(
        r"^suggestions/(?P<suggestion_id>\d+)/(?P<action>accept|reject)/$",
        correction_views.suggestion_decide,
        name="decide",
    ),
]
