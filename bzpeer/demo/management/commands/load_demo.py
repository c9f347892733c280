from django.conf import settings
from django.core.management.base import BaseCommand

from bzpeer.demo import synthetic
from bzpeer.demo.synthetic import removal
from works.models import Researcher, Work

DEMO_WORKS = 1200
DEMO_SEED = synthetic.DEFAULT_SEED


class Command(BaseCommand):
    help = (
        "Load a small synthetic world for the demo site, once: a database that already holds "
        "works or researchers is left as it is, and BZPEER_DEMO=0 turns it off."
    )

    def handle(self, *args, verbosity, **options):
        if not settings.BZPEER["DEMO"]:
            self.stdout.write("BZPEER_DEMO is off: no demo data is loaded.")
            return
        if removal.demo_works().exists():
            self.stdout.write("Demo data is already loaded; nothing to add.")
            if Work.objects.exclude(pk__in=removal.demo_works().values("pk")).exists():
                # Real records were imported beside the demo: say how to take it out.
                self.stdout.write(
                    "The database also holds other works: `manage.py remove_demo` removes the "
                    "invented demo people and works, and BZPEER_DEMO=0 keeps `make run` from "
                    "loading them again."
                )
            return
        if not synthetic.database_is_empty():
            # Never mix invented people into a database of real records.
            works, researchers = Work.objects.count(), Researcher.objects.count()
            self.stdout.write(
                f"The database already holds {works:,} works and {researchers:,} researchers; "
                "the demo is only loaded into an empty database."
            )
            return
        summary = synthetic.generate(works=DEMO_WORKS, seed=DEMO_SEED)
        if verbosity >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Loaded the demo: {summary.works:,} works, {summary.researchers:,} "
                    f"researchers, {summary.topics:,} topics, {summary.institutions:,} "
                    f"institutions ({summary.seconds:.1f} s)."
                )
            )
