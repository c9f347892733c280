from django.urls import path

from . import api

app_name = "works-api"

urlpatterns = [
    path("works/", api.WorkList.as_view(), name="work-list"),
    path("works/<int:pk>/", api.WorkDetail.as_view(), name="work-detail"),
    path("works/<int:pk>/cite.bib", api.WorkCitation.as_view(fmt="bib"), name="work-cite-bib"),
    path("works/<int:pk>/cite.ris", api.WorkCitation.as_view(fmt="ris"), name="work-cite-ris"),
    path("topics/", api.TopicList.as_view(), name="topic-list"),
    path("topics/<int:pk>/", api.TopicDetail.as_view(), name="topic-detail"),
    path("institutions/", api.InstitutionList.as_view(), name="institution-list"),
    path("institutions/<int:pk>/", api.InstitutionDetail.as_view(), name="institution-detail"),
    path("researchers/<int:pk>/works/", api.ResearcherWorkList.as_view(), name="researcher-works"),
    path(
        "researchers/<int:pk>/works.bib",
        api.ResearcherWorksExport.as_view(fmt="bib"),
        name="researcher-works-bib",
    ),
    path(
        "researchers/<int:pk>/works.ris",
        api.ResearcherWorksExport.as_view(fmt="ris"),
        name="researcher-works-ris",
    ),
    path(
        "researchers/<int:pk>/works.json",
        api.ResearcherWorksExport.as_view(fmt="json"),
        name="researcher-works-csl",
    ),
]
