"""The equivalent mutants of make mutation (scripts/mutation.py): each one read and argued.

A mutant listed here changes nothing any input could tell, so it is counted apart, not as
killed. Entries match on the mutated line's code, so a change to that line makes it count again.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Equivalent:
    """A mutant no input can tell from the original: the file, a piece of the mutated line's
    code, the change as the run names it, and why it changes nothing."""

    path: str
    code: str
    change: str
    reason: str


# Kept here rather than as pragmas so that the rule modules stay as they are written; each one
# was read and argued, and a change to its line makes it count again.
EQUIVALENT = (
    Equivalent(
        "profiles/trust.py",
        'TIERS = [(80, "Exemplary"), (55, "Trusted"), (30, "Established"), (0, "Emerging")]',
        "0 -> 1",
        "a total of 0 misses the last floor and falls through to the last tier: the same one",
    ),
    Equivalent(
        "profiles/trust.py",
        'TIERS = [(80, "Exemplary"), (55, "Trusted"), (30, "Established"), (0, "Emerging")]',
        "0 -> -1",
        "no total is negative (every part is at least 0), so a floor of -1 admits the same ones",
    ),
    *(
        Equivalent(
            "profiles/trust.py",
            "return TIERS[-1][1]",
            change,
            "unreachable: the last floor is 0 and no total is negative, so the loop returns",
        )
        for change in ("1 -> 2", "1 -> 0")
    ),
    *(
        Equivalent(
            "profiles/claims/queries.py",
            "if not token or len(token) > 128:",
            change,
            "a link's token is 43 characters (32 random bytes); a token near 128 characters "
            "matches no claim whether it is looked up or not: None either way",
        )
        for change in ("> -> >=", "128 -> 129", "128 -> 127")
    ),
    Equivalent(
        "profiles/claims/queries.py",
        'domain = email.rsplit("@", 1)[-1].strip().rstrip(".").lower()',
        "1 -> 2",
        "the part after the last @ is the same whether one split or two are allowed",
    ),
    Equivalent(
        "profiles/claims/services.py",
        "if claim.token_expires_at <= timezone.now():",
        "<= -> <",
        "differs only when now() falls on the expiry's very microsecond, which no request can "
        "aim at (the tests use no clock of their own)",
    ),
    *(
        Equivalent(
            "works/openalex/parse.py",
            "authors_count=min(max(len(authorships), stated_count), 2**31 - 1),",
            change,
            "a larger bound changes nothing: a stated count above 2**31 - 1 is already refused "
            "(Fields.integer), and no byline holds two billion entries",
        )
        for change in ("2 -> 3", "31 -> 32", "1 -> 0")
    ),
    Equivalent(
        "profiles/claims/services.py",
        'raise DomainError("You already have a claim on this record in progress.", status=409)',
        "delete the raise",
        "without the check, the partial unique constraint on open claims refuses the second "
        "claim, and the IntegrityError path raises the same error with the same 409",
    ),
    Equivalent(
        "works/openalex/parse.py",
        'stated_count = f.integer(record, "authors_count") or 0',
        "0 -> -1",
        "stated_count is read only as max(len(authorships), stated_count), and a length is "
        "never below 0: -1 and 0 give the same count",
    ),
    *(
        Equivalent(
            "works/openalex/values.py",
            "            self.untold = 0",  # the reset in finish(), not the start in __init__
            change,
            "finish() runs once per record, at the end of parse_record, and each record gets "
            "a Fields of its own: the reset count is never read",
        )
        for change in ("0 -> 1", "0 -> -1")
    ),
    *(
        Equivalent(
            "works/openalex/values.py",
            "def integer_value(self, value: Any, path: str, low: int = 0, high: int = INT_MAX)",
            change,
            "the default is never used: integer() passes its own low, and the affiliation "
            "years pass YEAR's",
        )
        for change in ("0 -> 1", "0 -> -1")
    ),
    Equivalent(
        "works/openalex/values.py",
        "number = float(value) if abs(value) < 1e300 else math.inf",
        "1e+300 -> 1e+300",
        "1e300 plus or minus one is 1e300 again as a float: the same program",
    ),
    Equivalent(
        "works/openalex/parse.py",
        'affiliations = f.strings(item, "raw_affiliation_string", where, TITLE_MAX, 1)',
        "1 -> 0",
        "strings() checks the limit after keeping an item, so a limit of 0 keeps one, as 1 does",
    ),
    *(
        Equivalent(
            "works/openalex/records.py",
            "    score: float = 0.0",
            change,
            "WorkTopicRecord and WorkConceptRecord are made only in parse.py, always with a "
            "score (0.0 when the record has none): the default is never used",
        )
        for change in ("0.0 -> 1.0", "0.0 -> -1.0")
    ),
    Equivalent(
        "works/names.py",
        "splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]",
        "1 -> 2",
        "the extra split is (word, ''), the last one again: the edits are a set, and the same",
    ),
)
