from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and benchmark data: the synthetic world and the commands that load and time it.

    Installed in every environment (make run loads the demo, make bench generates worlds), and
    outside the production apps: it may import any of them, none of them imports it.
    """

    name = "bzpeer.demo"
    label = "demo"
    verbose_name = "Demo and benchmark data"
