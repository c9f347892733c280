"""A realistic pyalex session against BZPEER, run by tests/api/test_pyalex_versions.py.

Run as `python pyalex_script.py BASE_URL WORK_ID DOI AUTHOR_ID` with the pyalex to test first
on sys.path; prints one JSON object of what it saw. The redirect is the README's.
"""

import json
import sys

import pyalex
import pyalex.api
import requests

base, work_id, doi, author_id = sys.argv[1:5]

# -- the README's lines: point pyalex at BZPEER (0.16 reads openalex_url; newer versions build
# every URL on api.openalex.org, so their session rewrites it) --
pyalex.config.openalex_url = base


class _ToBzpeer(requests.Session):
    def request(self, method, url, *args, **kwargs):
        url = url.replace("https://api.openalex.org", base, 1)
        return super().request(method, url, *args, **kwargs)


pyalex.api._get_requests_session = _ToBzpeer
# -- end of the README's lines --

seen = {"version": pyalex.__version__}
seen["by_id"] = pyalex.Works()[work_id]["id"]
seen["by_doi"] = pyalex.Works()[f"https://doi.org/{doi}"]["id"]
seen["author_works"] = sorted(
    w["id"] for w in pyalex.Works().filter(author={"id": author_id}).get(per_page=200)
)


def refused(error) -> str:
    if isinstance(error, pyalex.api.QueryError):
        return "QueryError: " + str(error)[:60]
    return f"HTTPError: {error.response.status_code}"


try:
    seen["is_oa_count"] = pyalex.Works().filter(is_oa=True).count()
except (pyalex.api.QueryError, requests.HTTPError) as error:
    seen["is_oa_count"] = refused(error)
seen["year_or"] = pyalex.Works().filter(publication_year="2000|2001").count()
search = pyalex.Works().search("biodiversity AND finance")
seen["search_count"] = search.count()
seen["search_top_scores"] = [w["relevance_score"] for w in search.get(per_page=5)]
seen["title_search"] = pyalex.Works().search_filter(title="biodiversity finance").count()
seen["groups"] = {g["key"]: g["count"] for g in pyalex.Works().group_by("publication_year").get()}
seen["sample"] = len(pyalex.Works().sample(7, seed=3).get())
pages = list(pyalex.Works().filter(publication_year=2000).paginate(per_page=10))
seen["cursor_ids"] = [w["id"] for page in pages for w in page]
seen["cursor_pages"] = [len(page) for page in pages]
seen["autocomplete"] = [r["id"] for r in pyalex.Works().autocomplete("biodiversity")]
seen["autocomplete_any"] = [r["entity_type"] for r in pyalex.autocomplete("biodiversity")]
try:
    pyalex.Works().filter(no_such_field=1).get()
    seen["error"] = None
except (pyalex.api.QueryError, requests.HTTPError) as error:
    seen["error"] = refused(error)
print(json.dumps(seen))
