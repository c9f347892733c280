from django.apps import AppConfig


class GraphConfig(AppConfig):
    name = "graph"
    verbose_name = "Research graph"

    def ready(self):
        from works import signals

        from . import services

        # Installed after profiles, so slices are marked once the records are rescored.
        signals.researchers_changed.connect(
            services.on_researchers_changed, dispatch_uid="graph.slices_stale"
        )
