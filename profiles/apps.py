from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Researchers"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_delete, post_save

        from bzpeer import page_cache as shared
        from works import signals

        from . import page_cache, services
        from .accounts import backends
        from .accounts.models import User
        from .claims.models import Claim

        # The set-based refresh writes the scores with the counters; after the public
        # counters, rescore the records (whatever refreshed them) and retire their pages.
        signals.register_computed_columns(services.TRUST_COMPUTED)
        signals.researchers_changed.connect(
            services.on_researchers_changed, dispatch_uid="profiles.trust_scores"
        )
        # The claim controls on shared pages (bzpeer.page_cache) and the state they read.
        shared.register_person_state("open_claims", page_cache.open_claim_ids)
        shared.register_part("profiles/_claim_controls.html", page_cache.claim_controls_context)
        for signal in (post_save, post_delete):
            signal.connect(page_cache.on_claim_saved, sender=Claim, dispatch_uid="profiles.claims")
        # Signed-in users load from the cache; each change of a user forgets their row.
        user_logged_in.connect(backends.point_session_here, dispatch_uid="profiles.user_rows")
        for signal in (post_save, post_delete):
            signal.connect(backends.forget_user, sender=User, dispatch_uid="profiles.user_rows")
