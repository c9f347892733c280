from django.urls import path

from . import views

app_name = "owner_content"

urlpatterns = [
    path("researchers/<int:pk>/edit/words/", views.owner_words_edit, name="words"),
    path("researchers/<int:pk>/edit/pins/", views.pins_edit, name="pins"),
]
