"""Finds personal data of the demo voter extract in any text: NIK, family-card number (KK) and
name.

What is searched for, and why it is searched this way:

* **NIK and KK** are 16 digits. Every run of 15 or more ASCII digits in the text is cut into all
  its 15-, 16- and 17-digit windows and each is looked up in Python sets of the extract's values,
  so a number glued to other digits (a JSON float, a concatenated id) is found too; the 15- and
  17-digit windows catch the extract's malformed NIKs (a digit lost, a digit too many). The other
  malformed NIKs (a letter O for a zero, a space inside: ``pantau.demo.voter_records``) are a few
  dozen strings, searched literally.
* **Names** are compared lower-cased with every non-letter turned into a word break, the way the
  generator's retyped variants differ (``"SITI  RAHAYU,"``, ``"siti-rahayu"`` → ``siti rahayu``).
  Every word n-gram of the text, n = 1..6, is a candidate; n stops at the longest name in the set
  (3 words in the demo extract), since a longer n-gram cannot equal a name. Only n-grams that
  start with a word some name starts with are built, which keeps a scan of megabytes of map HTML
  to seconds without changing what is found.

What is deliberately **not** matched (:func:`load_personal_data` computes it from the store and
the catalogue, so it follows the data; ``PersonalData.left_out`` lists it): the generator builds
names from common Indonesian given names, syllables and family names (``pantau.demo.voter_records``);
a name is one word when the middle and family name are both absent (about 22% of records; 702
distinct one-word names in the demo extract). Many of those words are also ordinary words and
words of public region names (``sari``, ``indah``, ``putri``, ``bunga``, ``kasih``, ``fajar``,
``yoga``, ``budi``: 46 in the 2024 list), and a few whole names are desa names or parts of them
(``Sri Rahayu``, ``Sari Mulia``, ``Lestari Indah``, ``Fajar Jaya``, ``Budi Jaya`` in Kibang Budi Jaya,
``Harjo Jaya``, ``Intan Mulia``). A page that names those regions would "leak" them, and no
scanner can tell the desa from the voter, so every name equal to an n-gram of a region name is
left out (53 names today). Single-word names are further left out when they are a word of the
UI's message catalogue in either language (none today): an ordinary word, not a person. A lone
given name that is a common word does not single out a voter among 2.8 million; every other
name, one word or more, is matched.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

REPO = Path(__file__).resolve().parents[2]
EXTRACT = REPO / "data" / "extracts" / "voter_records_64.parquet"
CATALOGUES = REPO / "dashboard" / "locale" / "id" / "LC_MESSAGES"
MAX_NGRAM = 6
DIGIT_RUN = re.compile(r"[0-9]{15,}")
WORD = re.compile(r"[a-z]+")


def normalise(text: str) -> str:
    """Lower-case words separated by single spaces; everything that is not a letter is a break."""
    return " ".join(WORD.findall(text.lower()))


@dataclass(frozen=True)
class Hit:
    kind: str  # "nik", "family_card" or "name"
    value: str
    where: str

    def __str__(self) -> str:
        return f"{self.kind} {self.value!r} in {self.where}"


@dataclass(frozen=True)
class PersonalData:
    """The extract's identifiers as the scanner looks them up."""

    niks: frozenset[str]
    family_cards: frozenset[str]
    odd_niks: tuple[str, ...]  # malformed NIKs that are not a digit run (a letter O, a space)
    names: frozenset[str]  # normalised; the names that are matched
    first_words: frozenset[str]  # the words a matched name starts with
    longest: int  # words in the longest matched name
    left_out: frozenset[str]  # normalised names equal to a region n-gram or a UI word

    def scan(self, text: str, where: str) -> list[Hit]:
        """Every NIK, KK and name of the extract found in ``text``."""
        hits: list[Hit] = []
        for match in DIGIT_RUN.finditer(text):
            run = match.group()
            windows = {run[i:i + n] for n in (15, 16, 17) for i in range(len(run) - n + 1)}
            hits += [Hit("nik", w, where) for w in sorted(windows & self.niks)]
            hits += [Hit("family_card", w, where) for w in sorted(windows & self.family_cards)]
        hits += [Hit("nik", odd, where) for odd in self.odd_niks if odd in text]
        hits += [Hit("name", name, where) for name in sorted(self.names_in(text))]
        return hits

    def names_in(self, text: str) -> set[str]:
        words = WORD.findall(html.unescape(text).lower())
        found: set[str] = set()
        first, names, longest = self.first_words, self.names, min(self.longest, MAX_NGRAM)
        for i, word in enumerate(words):
            if word not in first:
                continue
            for n in range(1, longest + 1):
                gram = " ".join(words[i:i + n])
                if gram in names:
                    found.add(gram)
        return found


def ngrams(text: str, longest: int = MAX_NGRAM) -> set[str]:
    words = normalise(text).split()
    return {" ".join(words[i:i + n]) for i in range(len(words))
            for n in range(1, longest + 1) if i + n <= len(words)}


def catalogue_words(folder: Path = CATALOGUES) -> set[str]:
    """Every word of the UI's message catalogue, English ids and Indonesian strings alike
    (messages.po and the pending_*.po files waiting to be merged into it)."""
    return {word for path in sorted(folder.glob("*.po"))
            for word in normalise(path.read_text(encoding="utf-8")).split()}


def load_personal_data(region_names: Iterable[str], ordinary_words: set[str],
                       extract: Path = EXTRACT) -> PersonalData:
    """The extract's NIK, KK and names, read once with polars (three columns only)."""
    frame = pl.read_parquet(extract, columns=["nik", "name", "family_card"])
    niks = frame["nik"].unique()
    digit_niks = frozenset(niks.filter(niks.str.contains(r"^[0-9]+$")).to_list())
    odd = tuple(sorted(niks.filter(~niks.str.contains(r"^[0-9]+$")).to_list()))
    family_cards = frozenset(frame["family_card"].unique().to_list())
    all_names = set(frame.select(
        pl.col("name").str.to_lowercase().str.replace_all(r"[^a-z]+", " ").str.strip_chars()
    ).to_series().unique().to_list()) - {""}
    del frame
    region_grams: set[str] = set()
    for name in region_names:
        region_grams |= ngrams(name)
    left_out = {n for n in all_names if n in region_grams
                or (" " not in n and n in ordinary_words)}
    names = frozenset(all_names - left_out)
    return PersonalData(
        niks=digit_niks, family_cards=family_cards, odd_niks=odd, names=names,
        first_words=frozenset(n.split(" ", 1)[0] for n in names),
        longest=max(len(n.split()) for n in names), left_out=frozenset(left_out))
