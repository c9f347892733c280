"""Citation exports: works as BibTeX, RIS and CSL-JSON. Pure Python: no Django here.

Each formatter takes a list of `ExportWork` and returns the whole file as text.
"""

import datetime as dt
import json
import re
import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class ExportWork:
    key: str
    title: str
    authors: tuple[str, ...] = ()
    type: str = ""
    year: int | None = None
    date: dt.date | None = None
    venue: str = ""
    publisher: str = ""
    doi: str = ""
    url: str = ""
    abstract: str = ""
    language: str = ""


def split_name(name: str) -> tuple[str, str]:
    """(family, given) of a display name; the last word is taken as the family name."""
    name = " ".join(name.split())
    if "," in name:
        family, _, given = name.partition(",")
        return family.strip(), given.strip()
    given, _, family = name.rpartition(" ")
    return family, given


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


# BibTeX

BIBTEX_TYPES = {
    "article": "article",
    "journal-article": "article",
    "review": "article",
    "letter": "article",
    "editorial": "article",
    "book": "book",
    "monograph": "book",
    "book-chapter": "incollection",
    "proceedings-article": "inproceedings",
    "dissertation": "phdthesis",
    "report": "techreport",
}
BIBTEX_VENUE_FIELDS = {
    "article": "journal",
    "incollection": "booktitle",
    "inproceedings": "booktitle",
}

# Characters LaTeX gives a meaning to, written so that they print as themselves.
_LATEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def bibtex_escape(text: str) -> str:
    return "".join(_LATEX_ESCAPES.get(char, char) for char in _one_line(text))


def _bibtex_key(work: ExportWork, taken: set[str]) -> str:
    family = split_name(work.authors[0])[0] if work.authors else "anon"
    first_word = next((w for w in re.findall(r"\w+", work.title) if len(w) > 3), "")
    base = f"{family}{work.year or ''}{first_word}".lower()
    # Keys are ASCII letters and digits only: accents folded, everything else dropped.
    base = unicodedata.normalize("NFKD", base).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]", "", base) or "work"
    key, suffix = base, 0
    while key in taken:
        suffix += 1
        key = f"{base}{chr(ord('a') + suffix - 1) if suffix <= 26 else suffix}"
    taken.add(key)
    return key


def to_bibtex(works: list[ExportWork]) -> str:
    taken: set[str] = set()
    entries = []
    for work in works:
        entry_type = BIBTEX_TYPES.get(work.type, "misc")
        fields = [("title", work.title)]
        if work.authors:
            names = [", ".join(filter(None, split_name(name))) for name in work.authors]
            fields.append(("author", " and ".join(names)))
        if work.year:
            fields.append(("year", str(work.year)))
        if work.date:
            fields.append(("month", str(work.date.month)))
        if work.venue:
            fields.append((BIBTEX_VENUE_FIELDS.get(entry_type, "howpublished"), work.venue))
        if work.publisher:
            fields.append(("publisher", work.publisher))
        if work.doi:
            fields.append(("doi", work.doi))
        if work.url:
            fields.append(("url", work.url))
        if work.language:
            fields.append(("language", work.language))
        body = ",\n".join(f"  {name} = {{{bibtex_escape(value)}}}" for name, value in fields)
        entries.append(f"@{entry_type}{{{_bibtex_key(work, taken)},\n{body}\n}}\n")
    return "\n".join(entries)


# RIS (https://en.wikipedia.org/wiki/RIS_(file_format)): one "TAG  - value" per line.

RIS_TYPES = {
    "article": "JOUR",
    "journal-article": "JOUR",
    "review": "JOUR",
    "letter": "JOUR",
    "editorial": "JOUR",
    "book": "BOOK",
    "monograph": "BOOK",
    "book-chapter": "CHAP",
    "proceedings-article": "CPAPER",
    "dissertation": "THES",
    "report": "RPRT",
    "dataset": "DATA",
    "preprint": "UNPB",
}


def to_ris(works: list[ExportWork]) -> str:
    lines = []
    for work in works:
        record = [("TY", RIS_TYPES.get(work.type, "GEN")), ("ID", work.key), ("TI", work.title)]
        record += [("AU", ", ".join(filter(None, split_name(name)))) for name in work.authors]
        if work.year:
            record.append(("PY", str(work.year)))
        if work.date:
            record.append(("DA", work.date.strftime("%Y/%m/%d")))
        if work.venue:
            record.append(("T2", work.venue))
        if work.publisher:
            record.append(("PB", work.publisher))
        if work.doi:
            record.append(("DO", work.doi))
        if work.url:
            record.append(("UR", work.url))
        if work.abstract:
            record.append(("AB", work.abstract))
        if work.language:
            record.append(("LA", work.language))
        record.append(("ER", ""))
        lines += [f"{tag}  - {_one_line(value)}".rstrip() for tag, value in record]
        lines.append("")
    # RIS readers expect CRLF line ends.
    return "\r\n".join(lines)


# CSL-JSON (https://github.com/citation-style-language/schema, csl-data.json)

CSL_TYPES = {
    "article": "article-journal",
    "journal-article": "article-journal",
    "review": "review",
    "letter": "article-journal",
    "editorial": "article-journal",
    "book": "book",
    "monograph": "book",
    "book-chapter": "chapter",
    "proceedings-article": "paper-conference",
    "dissertation": "thesis",
    "report": "report",
    "dataset": "dataset",
    "preprint": "article",
    "peer-review": "review",
}


def _csl_name(name: str) -> dict:
    family, given = split_name(name)
    if not given:
        return {"literal": family}
    return {"family": family, "given": given}


def csl_item(work: ExportWork) -> dict:
    item = {"id": work.key, "type": CSL_TYPES.get(work.type, "document"), "title": work.title}
    if work.authors:
        item["author"] = [_csl_name(name) for name in work.authors]
    if work.date:
        item["issued"] = {"date-parts": [[work.date.year, work.date.month, work.date.day]]}
    elif work.year:
        item["issued"] = {"date-parts": [[work.year]]}
    if work.venue:
        item["container-title"] = work.venue
    if work.publisher:
        item["publisher"] = work.publisher
    if work.doi:
        item["DOI"] = work.doi
    if work.url:
        item["URL"] = work.url
    if work.abstract:
        item["abstract"] = work.abstract
    if work.language:
        item["language"] = work.language
    return item


def to_csl_json(works: list[ExportWork]) -> str:
    return json.dumps([csl_item(work) for work in works], ensure_ascii=False, indent=2)
