from django.apps import AppConfig


class CollaborationConfig(AppConfig):
    name = "collaboration"
    verbose_name = "Collaboration"

    def ready(self):
        from profiles import page_context
        from works import signals

        from . import services

        signals.researcher_merging.connect(
            services.on_researcher_merging, dispatch_uid="collaboration.follows_move"
        )
        page_context.register(services.profile_page_context)
