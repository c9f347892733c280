from django.conf import settings
from django.db import models


class FollowQuerySet(models.QuerySet):
    def for_user(self, user):
        return self.filter(user=user).select_related("researcher").order_by("-created_at", "-id")


class Follow(models.Model):
    """A person following a researcher record, claimed or not."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="follows"
    )
    researcher = models.ForeignKey(
        "profiles.Researcher", on_delete=models.CASCADE, related_name="follows"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FollowQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "researcher"], name="follow_unique_pair"),
        ]
        indexes = [models.Index(fields=["researcher"], name="follow_researcher_idx")]

    def __str__(self):
        return f"{self.user_id} follows {self.researcher_id}"
