"""manage.py import_openalex on the real OpenAlex files in ../shared/real-data (read in place)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F

from tests import factories
from tests.conftest import REAL_DATA
from works import import_entities
from works.models import (
    Authorship,
    AuthorshipInstitution,
    Concept,
    Funder,
    Institution,
    OpenAlexRecord,
    Publisher,
    Researcher,
    ResearcherInstitution,
    Source,
    Topic,
    Work,
    WorkConcept,
    WorkTopic,
)

pytestmark = pytest.mark.django_db

GO = REAL_DATA / "max-planck-innovation-competition+go-openalex" / "sample" / "openalex"
PRO = REAL_DATA / "rkrug+openalexPro" / "tests" / "testthat" / "_snaps" / "005-pro_fetch_search"

MODELS = [
    Work,
    Authorship,
    AuthorshipInstitution,
    WorkTopic,
    WorkConcept,
    Researcher,
    ResearcherInstitution,
    Institution,
    Source,
    Topic,
    Concept,
    Publisher,
    Funder,
    OpenAlexRecord,
]


def run(*paths, **options):
    """Run the command; return (stdout, stderr)."""
    out, err = io.StringIO(), io.StringIO()
    call_command("import_openalex", *map(str, paths), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(*paths, **options):
    """Run the command expecting it to fail; return (stderr, the CommandError's message)."""
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(CommandError) as failure:
        call_command("import_openalex", *map(str, paths), stdout=out, stderr=err, **options)
    return err.getvalue(), str(failure.value)


def snapshot():
    """Every row of every imported table, every column, timestamps included."""
    return {model: list(model.objects.order_by("pk").values()) for model in MODELS}


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


# --- The real files -----------------------------------------------------------------------


def test_openalexpro_api_page_imports_its_200_works():
    out, _ = run(PRO / "json")

    assert Work.objects.count() == 200
    # SOURCES.md: 511 authorships with an author id, 462 distinct authors; the page holds 536
    # byline entries in all. Every entry is kept, in its place, linked or not; the three that
    # repeat an author on the same work too.
    assert Researcher.objects.count() == 462
    assert Authorship.objects.count() == 536
    assert Authorship.objects.filter(researcher__isnull=False).count() == 511
    assert "Imported 200 works" in out
    assert "Rejected 0 record(s)." in out

    work = Work.objects.select_related("source").get(openalex_id="W4235089722")
    assert work.title == "Biodiversity Finance"
    assert work.doi == "10.1111/1468-2346.00131"
    assert work.type == "article"
    assert work.publication_year == 2000
    assert str(work.publication_date) == "2000-04-01"
    assert work.source.display_name == "International Affairs"
    assert work.source.openalex_id == "S79519963"
    assert work.abstract.startswith("The 1992 Convention on Biological Diversity (CBD) challenged")
    assert work.authors_count == 1
    assert WorkTopic.objects.filter(
        work=work, topic__openalex_id="T13438", topic__field="Environmental Science"
    ).exists()

    author = Researcher.objects.get(openalex_id="A5035075703")
    assert author.display_name == "Michael C. Rubino"
    assert author.orcid == "0000-0002-6528-1179"
    assert author.verification_level == 1
    assert author.claim_status == Researcher.ClaimStatus.UNCLAIMED


def test_openalexpro_jsonl_gives_the_same_rows_as_the_api_page():
    run(PRO / "jsonl")
    assert Work.objects.count() == 200
    from_jsonl = snapshot()

    run(PRO / "json")

    assert snapshot() == from_jsonl


def test_go_openalex_works_folder_with_old_and_new_schemas():
    out, _ = run(GO / "works", partial=True)  # its manifest lists 465 parts

    # 50 (2021 part) + 27 (2023 part, its identical .gz read once) + 1 (W2741809807).
    assert Work.objects.count() == 78
    assert "part_000.gz: same records as" in out
    assert Authorship.objects.count() == 102 + 9  # SOURCES.md: authorships of the two files
    assert Researcher.objects.count() == 101 + 9

    # The 2021 part is the old schema: host_venue with a V id, concepts and no topics.
    old = Work.objects.select_related("source").get(openalex_id="W1612067013")
    assert old.source.openalex_id == "S2755781118"
    assert old.source.display_name == "Healthcare quarterly (Toronto)"
    assert old.doi == "10.12927/hcq.2008.19503"
    assert old.abstract.startswith("3C have a constant need to manage their own")
    assert old.concepts.count() == 8
    assert old.topics.count() == 0  # concepts stay concepts
    # The 2023 part also has concepts only, every one kept with its score as given.
    chemistry = Work.objects.get(openalex_id="W4206759534")
    assert dict(chemistry.work_concepts.values_list("concept__display_name", "score")) == {
        "Chemistry": pytest.approx(0.9727919),
        "Biochemical engineering": pytest.approx(0.33228123),
        "Engineering": 0.0,
    }
    assert old.authorships.get(order=2).researcher.orcid == "0000-0002-2748-2658"

    new = Work.objects.get(openalex_id="W2741809807")
    assert new.source.display_name == "PeerJ"
    assert new.authorships.count() == 9
    assert new.authorships.get(order=0).position == "first"


def test_go_openalex_single_author_record():
    run(GO / "authors" / "A5023888391")

    jason = Researcher.objects.get(openalex_id="A5023888391")
    assert jason.display_name == "Jason Priem"
    assert jason.orcid == "0000-0001-6187-6610"
    assert jason.display_name_alternatives == ["Jason Priem", "Priem Jason"]
    assert [i.display_name for i in jason.current_institutions] == ["OurResearch"]
    assert jason.verification_level == 1
    # The source's own figures, as the record gives them.
    assert (jason.figures_from, jason.figures_works_count, jason.figures_cited_by_count) == (
        "openalex",
        53,
        2140,
    )
    assert (jason.h_index, jason.i10_index, jason.two_year_mean_citedness) == (16, 17, 0.5)


def test_go_openalex_entity_folders_read_plain_and_gzip_once():
    out, _ = run(GO / "authors", GO / "institutions", GO / "sources", GO / "concepts", partial=True)

    assert Researcher.objects.count() == 2
    # 678 in the part, I27837315, and the last known institutions of the two authors.
    assert Institution.objects.count() == 679 + 2
    assert Source.objects.count() == 250
    assert Concept.objects.count() == 16
    assert Topic.objects.count() == 0
    assert out.count("same records as") == 4

    michigan = Institution.objects.get(openalex_id="I27837315")
    assert michigan.display_name == "University of Michigan–Ann Arbor"
    assert michigan.ror == "00jmfr291"
    assert michigan.homepage_domain == "umich.edu"
    assert (michigan.works_count, michigan.cited_by_count, michigan.h_index) == (
        838460,
        15581239,
        1016,
    )


def test_gzip_part_alone_imports_like_the_plain_one():
    run(GO / "works" / "updated_date=2023-05-16" / "part_000.gz")
    assert Work.objects.count() == 27
    from_gzip = snapshot()

    run(GO / "works" / "updated_date=2023-05-16" / "part_000")

    assert snapshot() == from_gzip


def test_second_import_changes_no_row_and_no_value():
    # (Not the openalexPro keypaper page: it holds a newer version of W2741809807, and two
    # versions of one record in one import rewrite it twice, the later winning each time.)
    paths = [GO, PRO / "json"]
    run(*paths, partial=True)
    first = snapshot()
    assert len(first[Work]) == 78 + 200
    assert len(first[AuthorshipInstitution]) > 0
    assert len(first[ResearcherInstitution]) > 2

    out, _ = run(*paths, partial=True)

    assert snapshot() == first
    assert "Imported nothing" in out
    assert "refreshed 0 researcher(s)" in out


def test_counters_and_trust_are_refreshed_after_import():
    run(PRO / "json")

    # Distinct works: a byline may list one person twice.
    wrong = Researcher.objects.annotate(n=Count("authorships__work", distinct=True)).exclude(
        works_count=F("n")
    )
    assert not wrong.exists()
    rubino = Researcher.objects.get(openalex_id="A5035075703")
    assert rubino.works_count >= 1
    assert rubino.topics_count == (
        Topic.objects.filter(works__authorships__researcher=rubino).distinct().count()
    )
    assert rubino.trust_score > 0
    assert not Researcher.objects.filter(trust_score=0).exists()  # every record is L1: 5 points


# --- Bad input ----------------------------------------------------------------------------


def real_work_lines(count):
    """The first lines of the real 2021 snapshot part, as text (read in place)."""
    with open(GO / "works" / "updated_date=2021-11-03" / "part_000", encoding="utf-8") as part:
        return [next(part).rstrip("\n") for _ in range(count)]


def test_malformed_line_in_the_middle_is_reported_and_the_rest_imports(tmp_path):
    lines = real_work_lines(5)
    lines.insert(2, '{"id": "https://openalex.org/W1", "title": ')
    lines.insert(4, json.dumps({"id": "W2", "authorships": "not a list"}))
    lines.insert(5, json.dumps({"title": "no id"}))
    path = tmp_path / "part_000"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    err, summary = run_failing(path)

    assert err.splitlines() == [
        f"{path}:3: invalid JSON: Expecting value (column 44)",
        # A field that cannot be read is a warning: the record imports without it.
        f"{path}:5: W2: warning: authorships: expected a list, got text (got 'not a list')",
        f"{path}:6: record has no id",
    ]
    assert summary == "2 record(s) could not be imported (listed above); the others were imported."
    assert Work.objects.count() == 6
    assert Work.objects.get(openalex_id="W2").authorships.count() == 0
    assert not Work.objects.filter(openalex_id="W1").exists()


def test_summary_counts_warnings_by_field_and_strict_fails_on_them(tmp_path):
    records = [
        {"id": f"W{n}", "cited_by_count": "many", "concepts": [{"id": "C1", "score": "high"}]}
        for n in range(1, 4)
    ]
    path = write_jsonl(tmp_path / "w.jsonl", records)

    out, err = run(path)

    assert "Imported 3 works from 1 file(s)" in out
    assert "Rejected 0 record(s)." in out
    assert "Warnings: 6 field(s) could not be read" in out
    assert "  cited_by_count: 3" in out
    assert "  concepts[].score: 3" in out
    assert f"{path}:1: W1: warning: concepts[0].score: expected a number" in err
    with pytest.raises(CommandError, match=r"6 warning\(s\) .* --strict"):
        run(path, strict=True)


def test_missing_path_is_one_line_error(tmp_path):
    with pytest.raises(CommandError, match=r"^\S+/nowhere: no such file or directory$"):
        run(tmp_path / "nowhere")
    assert Work.objects.count() == 0


def test_failing_batch_rolls_back_whole(tmp_path, monkeypatch):
    records = [
        {
            "id": f"W{n}",
            "title": f"Work {n}",
            "primary_location": {"source": {"id": f"S{n}", "display_name": f"Journal {n}"}},
            "topics": [{"id": f"T{n}", "display_name": f"Topic {n}", "score": 0.9}],
            "authorships": [{"author": {"id": f"A{n}", "display_name": f"Author {n}"}}],
        }
        for n in range(1, 5)
    ]
    path = write_jsonl(tmp_path / "works.jsonl", records)
    # Author A3 gets a level the database refuses (a check constraint): the second batch, W3 and
    # W4, fails after its sources, topics and first researcher rows were already sent.
    real_level = import_entities.public_verification_level

    def level(*, openalex_id, orcid):
        return 9 if openalex_id == "A4" else real_level(openalex_id=openalex_id, orcid=orcid)

    monkeypatch.setattr(import_entities, "public_verification_level", level)

    err, summary = run_failing(path, batch_size=2)

    assert sorted(Work.objects.values_list("openalex_id", flat=True)) == ["W1", "W2"]
    assert sorted(Source.objects.values_list("openalex_id", flat=True)) == ["S1", "S2"]
    assert sorted(Topic.objects.values_list("openalex_id", flat=True)) == ["T1", "T2"]
    assert sorted(Researcher.objects.values_list("openalex_id", flat=True)) == ["A1", "A2"]
    assert err.startswith(f"{path}:3: batch of 2 records (to {path}:4) not written:")
    assert len(err.splitlines()) == 1
    assert summary.startswith("2 record(s) could not be imported")


def test_html_in_titles_and_abstracts_is_stored_as_text(tmp_path, client):
    title = '<script>alert("x")</script> & <b>bold</b>'
    path = write_jsonl(
        tmp_path / "w.jsonl",
        [{"id": "W1", "title": title, "abstract_inverted_index": {"<img": [0], "src=x>": [1]}}],
    )
    run(path)

    work = Work.objects.get(openalex_id="W1")
    assert work.title == title
    assert work.abstract == "<img src=x>"
    page = client.get(work.get_absolute_url()).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert" in page


# --- Updating what is there ---------------------------------------------------------------


def work_by(*author_ids, work_id="W1"):
    return {
        "id": work_id,
        "title": "Shared work",
        "authorships": [
            {"author_position": "middle", "author": {"id": a, "display_name": f"Person {a}"}}
            for a in author_ids
        ],
    }


def test_reimport_replaces_the_authorship_list(tmp_path):
    run(write_jsonl(tmp_path / "a.jsonl", [work_by("A1", "A2"), work_by("A1", work_id="W2")]))
    assert Researcher.objects.get(openalex_id="A2").works_count == 1

    # A newer copy of W1 (the first was undated; any dated copy is newer).
    newer = {**work_by("A3", "A1"), "updated_date": "2024-01-01"}
    run(write_jsonl(tmp_path / "b.jsonl", [newer]))

    work = Work.objects.get(openalex_id="W1")
    assert list(
        work.authorships.order_by("order").values_list("researcher__openalex_id", "order")
    ) == [("A3", 0), ("A1", 1)]
    assert work.authors_count == 2
    # The researcher who left the work is refreshed too.
    assert Researcher.objects.get(openalex_id="A2").works_count == 0
    assert Researcher.objects.get(openalex_id="A1").works_count == 2


def test_reimport_keeps_what_the_owner_holds(tmp_path, owner):
    claimed = factories.researcher(
        openalex_id="A1",
        display_name="Old Name",
        owner=owner,
        claim_status=Researcher.ClaimStatus.CLAIMED,
        verification_level=Researcher.VerificationLevel.L2,
        headline="Written by me",
        open_to_collaborate=False,
    )
    author = {"id": "https://openalex.org/A1", "display_name": "New Name", "orcid": None}
    run(write_jsonl(tmp_path / "a.jsonl", [author, work_by("A1")]))

    claimed.refresh_from_db()
    assert claimed.display_name == "New Name"  # open data owns the name
    assert claimed.owner == owner
    assert claimed.claim_status == Researcher.ClaimStatus.CLAIMED
    assert claimed.verification_level == Researcher.VerificationLevel.L2
    assert claimed.headline == "Written by me"
    assert claimed.open_to_collaborate is False
    assert claimed.works_count == 1


def test_short_copies_never_blank_the_full_record(tmp_path):
    run(GO / "institutions" / "I27837315")
    stub = {"id": "https://openalex.org/I27837315", "display_name": "UMich"}
    work = {"id": "W1", "authorships": [{"author": {"id": "A1"}, "institutions": [stub]}]}
    run(write_jsonl(tmp_path / "w.jsonl", [work]))

    michigan = Institution.objects.get(openalex_id="I27837315")
    assert michigan.display_name == "University of Michigan–Ann Arbor"
    assert michigan.homepage_domain == "umich.edu"
    assert Authorship.objects.get().institutions.get() == michigan


def test_later_authorship_fills_a_missing_orcid_but_never_replaces_one(tmp_path):
    def work(work_id, author_id, orcid):
        return {"id": work_id, "authorships": [{"author": {"id": author_id, "orcid": orcid}}]}

    run(
        write_jsonl(
            tmp_path / "a.jsonl", [work("W1", "A1", None), work("W2", "A2", "0000-0002-1825-0097")]
        )
    )
    run(
        write_jsonl(
            tmp_path / "b.jsonl",
            [work("W3", "A1", "0000-0001-6187-6610"), work("W4", "A2", "0000-0001-6187-6610")],
        )
    )

    assert Researcher.objects.get(openalex_id="A1").orcid == "0000-0001-6187-6610"
    assert Researcher.objects.get(openalex_id="A2").orcid == "0000-0002-1825-0097"


# --- The command's output -----------------------------------------------------------------


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_progress_bar_only_on_a_terminal(capsys):
    call_command("import_openalex", str(PRO / "json"), stdout=io.StringIO(), stderr=io.StringIO())
    assert "records" not in capsys.readouterr().err

    call_command("import_openalex", str(PRO / "json"), stdout=Terminal(), stderr=io.StringIO())
    assert "200 records" in capsys.readouterr().err
