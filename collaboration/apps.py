from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = "Collaboration"

    def ready(self):
        from bzpeer import page_cache
        from profiles import page_context
        from profiles import signals as people_signals
        from works import signals

        from . import services
        from .notifications import services as notifications

        signals.researcher_merging.connect(
            services.on_researcher_merging, dispatch_uid="collaboration.follows_move"
        )
        page_context.register(services.profile_page_context)
        # The reader's own state on shared pages (bzpeer.page_cache), and the parts it fills.
        page_cache.register_person_state("unread", notifications.header_counts)
        page_cache.register_person_state("follows", services.followed_ids)
        page_cache.register_part("collaboration/_follow.html", services.follow_part_context)
        people_signals.claim_decided.connect(
            notifications.on_claim_decided, dispatch_uid="collaboration.notify_claim_decided"
        )
        people_signals.correction_suggested.connect(
            notifications.on_correction_suggested,
            dispatch_uid="collaboration.notify_correction_suggested",
        )
