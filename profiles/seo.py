"""What search engines and link previews read from a profile: schema.org JSON-LD."""

from django.utils.html import json_script
from django.utils.safestring import SafeString, mark_safe

from bzpeer.safety import safe_url, strip_bidi


def person_jsonld(
    *, researcher, institutions, headline: str, works, base_url: str, owner_content=None
) -> dict:
    """Return schema.org Person data, with the page's works as ScholarlyArticle.

    `headline` is the page's headline (profiles.queries.researcher_headline); an empty one
    gives the Person no description. `owner_content` (the owner's words, links loaded) adds
    their links to sameAs and their keywords as knowsAbout.
    """
    url = base_url + researcher.get_absolute_url()
    same_as = [link for link in (researcher.orcid_url, researcher.openalex_url) if link]
    if owner_content is not None:
        same_as += [safe_url(link.url) for link in owner_content.links.all() if safe_url(link.url)]
    person = {
        "@type": "Person",
        "@id": url + "#person",
        "name": researcher.display_name,
        "url": url,
    }
    if headline:
        person["description"] = headline
    if same_as:
        person["sameAs"] = same_as
    if owner_content is not None and owner_content.keywords:
        person["knowsAbout"] = list(owner_content.keywords)
    if researcher.orcid:
        person["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "ORCID",
            "value": researcher.orcid,
        }
    if institutions:
        person["affiliation"] = [
            {
                "@type": "Organization",
                "name": inst.display_name,
                "url": safe_url(inst.homepage_url) or None,
            }
            for inst in institutions
        ]
    articles = []
    for work in works:
        article = {
            "@type": "ScholarlyArticle",
            "headline": work.title[:110],
            "name": work.title,
            "url": base_url + work.get_absolute_url(),
            "author": {"@id": person["@id"]},
        }
        if work.publication_year:
            article["datePublished"] = (
                work.publication_date.isoformat()
                if work.publication_date
                else str(work.publication_year)
            )
        if work.doi:
            article["sameAs"] = work.doi_url
        if work.source_id:
            article["isPartOf"] = {"@type": "Periodical", "name": work.source.display_name}
        articles.append(article)
    return {"@context": "https://schema.org", "@graph": [person, *articles]}


def _without_bidi(value):
    if isinstance(value, str):
        return strip_bidi(value)
    if isinstance(value, dict):
        return {key: _without_bidi(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_bidi(item) for item in value]
    return value


def jsonld_script(data: dict) -> SafeString:
    """Render data as a JSON-LD script element, escaped so that no string can close it."""
    # json_script escapes <, > and & inside the JSON; only the element's type changes. It also
    # writes non-ASCII as \u escapes, which the page-wide bidi filter cannot see: clean here.
    script = json_script(_without_bidi(data)).replace(
        'type="application/json"', 'type="application/ld+json"', 1
    )
    return mark_safe(script)  # noqa: S308 - built by json_script above
