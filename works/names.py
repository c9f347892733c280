"""Real-name handling for display and search: a pure module, no Django.

Imported records write "Haris, Muhammad" as often as "Muhammad Haris", and "Frédéric" as often as
"Frederic"; people search for "F. Monier". Every name is reduced to a few lookup keys so that a
search is a handful of indexed equality lookups, with trigram similarity for typos on top.

German names are written both ways: "Wätzold" and "Waetzold", "Müller" and "Mueller". A name
with an umlaut also gets the keys of its spelled-out form, and a query with one looks up both,
so either spelling meets either. (Folding alone makes "Wätzold" "watzold", which "Waetzold"
does not meet.) Typos in a query (a swapped, missing, extra or wrong letter: "Wätzodl",
"Wtzold") meet the keys through ``typo_keys``: every spelling one edit away from the query's
longer words, looked up in the same index.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^\w\s]", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Letters that do not decompose into base + accent but that people type plainly.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "Ø": "o", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d",
                       "æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ı": "i", "ð": "d", "Ð": "d",
                       "þ": "th", "Þ": "th"})  # fmt: skip


def display_form(name: str) -> str:
    """Return "Given Family" for a name stored as "Family, Given"; other names unchanged."""
    name = _SPACES.sub(" ", name or "").strip()
    if name.count(",") == 1:
        family, given = (part.strip() for part in name.split(","))
        # "Smith, Jr." is a suffix, not a given name; keep such names as they are.
        if family and given and not re.fullmatch(r"(jr|sr|ii|iii|iv)\.?", given, re.IGNORECASE):
            return f"{given} {family}"
    return name


def fold(text: str) -> str:
    """Lower-case, strip accents and punctuation, collapse spaces: "Frédéric" -> "frederic"."""
    text = (text or "").translate(_FOLD)
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = _NON_WORD.sub(" ", stripped.replace("-", " ").replace("'", ""))
    return _SPACES.sub(" ", stripped).strip().lower()


# The spelled-out forms of the German umlauts; ß already folds to "ss".
_SPELLED_OUT = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
# The decomposed umlaut (a letter and U+0308) is composed first so that both spellings match.
_UMLAUTS = frozenset("äöüÄÖÜ")


def spellings(name: str) -> list[str]:
    """The name, and its umlauts spelled out ("Wätzold", "Waetzold") when it has any."""
    composed = unicodedata.normalize("NFC", name or "")
    if _UMLAUTS.isdisjoint(composed):
        return [name]
    return [name, composed.translate(_SPELLED_OUT)]


def tokens(name: str) -> list[str]:
    return fold(display_form(name)).split()


def name_keys(name: str) -> set[str]:
    """The lookup keys of one name, in each of its spellings.

    - the tokens in order, family name first, and sorted ("frederic monier", "monier frederic"),
      so that word order does not matter and a prefix of either order completes;
    - each token's initial beside the family name ("f monier"), for "F. Monier" and "F Monier";
    - each word alone, for a search by family or given name only.
    """
    return set().union(*(_keys_of(spelling) for spelling in spellings(name)))


def _keys_of(name: str) -> set[str]:
    parts = tokens(name)
    if not parts:
        return set()
    keys = {" ".join(parts), " ".join(sorted(parts)), " ".join([parts[-1], *parts[:-1]])}
    keys.update(parts)
    if len(parts) >= 2:
        family = parts[-1]
        initials = [p[0] for p in parts[:-1]]
        keys.add(" ".join(sorted([initials[0], family])))
        keys.add(" ".join(sorted([*initials, family])))
    return keys


def person_matches(*, given: str, family: str, name: str) -> bool:
    """Whether a person's own given and family names can be the name `name` of a record.

    Both sides are folded as for search (accents, case, punctuation; hyphens split words), and
    the record's name may be stored "Family, Given". Then:
    - the family name must not be empty and must equal, word for word, either the last or the
      first words of the record's name (word order: "Hongxia Yang", "Yang Hongxia");
    - the record's other words are its given names. Either both sides have none, or both have
      some and each given name that both sides have, in order, agrees: equal, or a single
      letter that is the other's initial ("H" for "Hongxia"). Further given names on one side
      only (a middle name left out) do not count against a match.
    So "Hongxia Yang" is "Yang Hongxia", "Yáng, H." or "Hongxia M. Yang", but not "Hannah
    Yang" (another given name with the same initial), "Hongxia Wang" or plain "Yang".
    """
    family_words = fold(family).split()
    given_words = fold(given).split()
    words = tokens(name)
    if not family_words:
        return False
    n = len(family_words)
    splits = []
    if words[-n:] == family_words:
        splits.append(words[:-n])
    if words[:n] == family_words:
        splits.append(words[n:])
    return any(_given_names_agree(given_words, record_given) for record_given in splits)


def _given_names_agree(mine: list[str], theirs: list[str]) -> bool:
    if not mine or not theirs:
        return not mine and not theirs
    return all(_same_given_name(a, b) for a, b in zip(mine, theirs, strict=False))


def _same_given_name(a: str, b: str) -> bool:
    if len(a) == 1 or len(b) == 1:
        return a[0] == b[0]
    return a == b


def query_keys(query: str) -> set[str]:
    """The keys a search query can match: the query's tokens, sorted, in any order (in each
    of the query's spellings)."""
    keys = set()
    for spelling in spellings(query):
        parts = fold(spelling).split()
        if parts:
            keys.add(" ".join(sorted(parts)))
    return keys


# Words shorter than this are not varied for typos: one edit away from "li" is half the index;
# nor longer ones, which are no name's (and would make thousands of keys).
TYPO_MIN_LENGTH = 4
TYPO_MAX_LENGTH = 30
# At most this many words of a query are varied (the longest ones), which bounds the keys
# looked up to a few hundred per word (about 54 per letter).
TYPO_WORDS = 2
_ALPHABET = "abcdefghijklmnopqrstuvwxyz"


def _one_edit(word: str) -> set[str]:
    """Every spelling one deletion, transposition, substitution or insertion from the word."""
    letters = sorted(set(_ALPHABET) | set(word))
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in letters}
    inserts = {a + c + b for a, b in splits for c in letters}
    return (deletes | swaps | replaces | inserts) - {word}


def typo_keys(query: str) -> set[str]:
    """Keys one typo away from the query's: each of its longest words varied by one edit.

    "Wätzodl" gives "watzold" (two letters swapped back), "Wtzold" gives "watzold" (a letter
    put back); other words of the query stay as written. The query's own keys are left out.
    """
    parts = fold(query).split()
    exact = query_keys(query)
    varied = sorted(
        (i for i, part in enumerate(parts) if TYPO_MIN_LENGTH <= len(part) <= TYPO_MAX_LENGTH),
        key=lambda i: (-len(parts[i]), i),
    )[:TYPO_WORDS]
    keys = set()
    for i in varied:
        for spelling in _one_edit(parts[i]):
            keys.add(" ".join(sorted([*parts[:i], spelling, *parts[i + 1 :]])))
    return keys - exact


def search_text(names: list[str]) -> str:
    """Folded text of all a record's names in each of their spellings, for trigram similarity."""
    folded = (fold(display_form(s)) for n in names if n for s in spellings(n))
    return " | ".join(dict.fromkeys(f for f in folded if f))
