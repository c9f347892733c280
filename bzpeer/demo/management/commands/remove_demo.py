from django.core.management.base import BaseCommand, CommandError

from bzpeer.demo.synthetic import removal


class Command(BaseCommand):
    help = (
        "Remove the generated demo world (synthetic ids, 10.5555/synthetic. DOIs) and nothing "
        "else: imported records stay as they are."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="Only say what would be removed."
        )

    def handle(self, *args, dry_run, **options):
        if dry_run:
            found = removal.demo_counts()
            self.stdout.write(f"Would remove {self._summary(found)}.")
            return
        try:
            removed = removal.demo_remove()
        except removal.DemoRemovalError as exc:
            raise CommandError(str(exc)) from None
        if not removed.total:
            self.stdout.write("No demo data found; nothing removed.")
            return
        line = f"Removed the demo: {self._summary(removed)}."
        kept = removed.kept_researchers_refreshed
        if kept:
            line += (
                f" {kept:,} other researcher{'s' if kept != 1 else ''} shared a demo work and "
                f"{'were' if kept != 1 else 'was'} refreshed."
            )
        self.stdout.write(self.style.SUCCESS(line))

    @staticmethod
    def _summary(counts) -> str:
        return (
            f"{counts.works:,} works, {counts.researchers:,} researchers, {counts.topics:,} "
            f"topics, {counts.institutions:,} institutions, {counts.sources:,} sources"
        )
