from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "profiles"
    verbose_name = "Researchers"

    def ready(self):
        from works import signals

        from . import services

        # After the public counters: rescore the records and retire their cached pages.
        signals.researchers_changed.connect(
            services.on_researchers_changed, dispatch_uid="profiles.trust_scores"
        )
