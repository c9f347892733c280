"""manage.py sync_openalex: bring the public record up to date with what OpenAlex changed.

Here, at the site level, because a sync composes two layers: the public record's import
(works.sync) and the people layer's merge of author records (profiles.corrections.merges)
for a snapshot's merged_ids.
"""

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from profiles.corrections.merges import openalex_merges_apply
from works.sync import api, snapshot


def parse_since(text: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise CommandError(f"--since {text!r}: expected a date YYYY-MM-DD or a date-time") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Command(BaseCommand):
    help = (
        "Import what OpenAlex changed since the last sync: from a newer snapshot folder (its "
        "updated_date= partitions after the last sync point, and its merged_ids), or from an "
        "OpenAlex-format API (filter=from_updated_date). A failed sync resumes where it stopped."
    )

    def add_arguments(self, parser):
        source = parser.add_mutually_exclusive_group(required=True)
        source.add_argument("--snapshot", type=Path, metavar="FOLDER", help="a snapshot folder")
        source.add_argument("--api", action="store_true", help="the OpenAlex-format API")
        parser.add_argument(
            "--source",
            default="snapshot",
            help="with --snapshot: the name its sync point is kept under (default: snapshot)",
        )
        parser.add_argument("--api-url", help="the API's base URL (default: the setting)")
        parser.add_argument("--mailto", help="the address sent to the API (default: the setting)")
        parser.add_argument("--api-key", help="an API key (default: the setting)")
        parser.add_argument(
            "--since",
            help="with --api: the date to sync from, when there is no sync point yet (or to "
            "override it)",
        )
        parser.add_argument(
            "--entities",
            help="with --api: a comma-separated subset of "
            f"{','.join(snapshot.ENTITY_ORDER)} (default: all, in that order)",
        )

    def handle(self, *args, **options):
        if options["snapshot"] is not None:
            return self.from_snapshot(options["snapshot"], options["source"])
        return self.from_api(options)

    def from_snapshot(self, root: Path, source: str):
        if not root.is_dir():
            raise CommandError(f"{root}: not a folder")
        sync = snapshot.snapshot_sync(
            root=root,
            source=source,
            apply_merges=lambda merges: openalex_merges_apply(merges=merges),
            on_error=lambda error: self.stderr.write(str(error)),
        )
        for line in sync.merge_errors:
            self.stderr.write(line)
        result = sync.result
        merged = sum(m.records_merged for m in sync.merges or ())
        written = ", ".join(f"{n} {kind}" for kind, n in sorted(result.counts.items())) or "nothing"
        self.stdout.write(
            f"Read {len(sync.partitions)} new partition(s) and {len(sync.merged_ids_files)} "
            f"merged-ids file(s): imported {written}, merged {merged} record(s); refreshed "
            f"{sync.researchers_refreshed} researcher(s)."
        )
        errors = result.error_count + len(sync.merge_errors)
        if errors:
            raise CommandError(
                f"{errors} error(s) (listed above): the sync point stays where it was, so the "
                "next sync reads these partitions again."
            )

    def from_api(self, options):
        entities = None
        if options["entities"]:
            entities = [name.strip() for name in options["entities"].split(",") if name.strip()]
            unknown = sorted(set(entities) - set(snapshot.ENTITY_ORDER))
            if unknown:
                raise CommandError(f"--entities: unknown {', '.join(unknown)}")
            entities = [name for name in snapshot.ENTITY_ORDER if name in entities]
        since = parse_since(options["since"]) if options["since"] else None
        client = api.ApiClient.from_settings(
            base_url=options["api_url"], mailto=options["mailto"], api_key=options["api_key"]
        )
        try:
            sync = api.api_sync(client=client, since=since, entities=entities)
        except api.SyncError as exc:
            raise CommandError(f"{exc}. Run the command again to resume from there.") from None
        for line in sync.errors:
            self.stderr.write(line)
        self.stdout.write(
            f"{'Resumed' if sync.resumed else 'Synced'} from {api.format_since(sync.since)}: "
            f"{sync.pages} page(s), {sync.written} record(s) written, {sync.rejected} rejected; "
            f"refreshed {sync.researchers_changed} researcher(s)."
        )
        if sync.rejected:
            raise CommandError(f"{sync.rejected} record(s) could not be imported (listed above).")
