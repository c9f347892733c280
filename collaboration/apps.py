from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = "Collaboration"

    def ready(self):
        from profiles import page_context
        from profiles import signals as people_signals
        from works import signals

        from . import services
        from .notifications import services as notifications

        signals.researcher_merging.connect(
            services.on_researcher_merging, dispatch_uid="collaboration.follows_move"
        )
        page_context.register(services.profile_page_context)
        people_signals.claim_decided.connect(
            notifications.on_claim_decided, dispatch_uid="collaboration.notify_claim_decided"
        )
        people_signals.correction_suggested.connect(
            notifications.on_correction_suggested,
            dispatch_uid="collaboration.notify_correction_suggested",
        )
