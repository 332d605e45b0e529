"""Matching a free-text affiliation to a registry organisation. Plain Python, no Django:
the same matcher serves the site, imports and the evaluation command.

How it decides:
1. Normalise (accents, case, punctuation, common abbreviations such as "Univ." and
   "Dept.", British/American spellings, small words in several languages) and cut the text
   into parts at commas, brackets and footnote numbers; a word the names do not use that is
   one letter away from exactly one word they use ("Insitute"), or from several of which
   one is ten times as common ("Universtity"), is read as that word.
2. Every run of consecutive tokens is looked up among the names of all organisations:
   display names, labels in every language, aliases, and names without the city or country
   they end with ("Hebrew University" for "Hebrew University of Jerusalem") or with the
   place moved ("Medical University of Innsbruck"), with umlauts written out
   ("Wuerzburg"), names whose "Universität", "Université" or "Universidad" is written
   "University" ("Technische" "Technical"), and "University of Ulster" as "Ulster
   University"; a translated or reordered name only where it is no other organisation's
   name: "Washington University" and "University of Washington" are different places.
   A run across a comma must be made of whole parts ("University of California, San
   Francisco"). Where names overlap the longest wins; a short name made only of common
   words ("University Hospital", but not "China Agricultural University") needs its city
   to agree. Acronyms in capitals are used only when no name is found, never when they
   are a country ("USA"), and when several organisations have
   them only with the place agreeing.
3. A country named in the text (outside the name itself: "Georgia State University",
   "New Jersey") must agree with the organisation's; a city or country that
   agrees adds evidence, and so does an organisation's own name over another's translated
   or former one; a unit named apart from the organisation it belongs to (ROR parent)
   yields the organisation; the organisation named last is preferred.
4. If two different organisations still tie, the matcher abstains rather than guesses,
   unless one has more units in the registry (never for a name without its place: two
   campuses of one university).
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pycountry

ABBREVIATIONS = {
    "univ": "university", "uni": "university", "inst": "institute",
    "dept": "department", "dep": "department", "natl": "national", "nat": "national", "hosp": "hospital",
    "ctr": "center", "cntr": "center", "centre": "center", "centres": "center", "centers": "center", "acad": "academy",
    "coll": "college", "lab": "laboratory", "labs": "laboratories", "assoc": "association",
    "intl": "international", "int": "international", "fac": "faculty", "sch": "school", "res": "research",
    "technol": "technology", "tech": "technology", "sci": "science", "sciences": "science", "mt": "mount",
    "organisation": "organization", "programme": "program", "agriculture": "agricultural", "inc": "", "ltd": "",
    "gmbh": "", "co": "",
    "corp": "", "llc": "", "the": "", "and": "", "of": "", "for": "", "at": "", "in": "",
    # the same small words in the other languages of names: "Università di Torino"
    "di": "", "de": "", "del": "", "della": "", "degli": "", "du": "", "des": "", "da": "", "do": "", "dos": "",
    "das": "", "der": "", "zu": "", "fur": "", "y": "", "et": "", "und": "", "e": "", "la": "", "le": "",
}  # fmt: skip
EXTRA_COUNTRY_NAMES = {
    "usa": "US", "us": "US", "united states america": "US", "uk": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "great britain": "GB", "pr china": "CN", "p r china": "CN",
    "peoples republic china": "CN", "china": "CN", "korea": "KR", "south korea": "KR", "republic korea": "KR",
    "russia": "RU", "iran": "IR", "taiwan": "TW", "vietnam": "VN", "viet nam": "VN", "czech republic": "CZ",
    "turkey": "TR", "the netherlands": "NL", "holland": "NL", "syria": "SY", "tanzania": "TZ", "bolivia": "BO",
    "venezuela": "VE", "laos": "LA", "moldova": "MD", "macedonia": "MK", "brasil": "BR", "deutschland": "DE",
    "espana": "ES", "italia": "IT", "nederland": "NL", "schweiz": "CH", "suisse": "CH",
}  # fmt: skip
MAX_SPAN = 14
TRANSLATED = {
    **dict.fromkeys(
        ["universitat", "universite", "universidad", "universita", "universiteit", "universidade", "universitet"],
        "university",
    ),
    "technische": "technical", "freie": "free",
}  # fmt: skip
# A name of at most this many words, all common ("University Hospital"), needs its place to
# agree; a longer one ("South China Agricultural University") is specific enough.
GENERIC_MAX = 3
# Affiliations name units inside institutions; the institution (usually a university) is the
# organisation meant more often than the hospital, institute or funder named with it.
KIND_BONUS = {"education": 2.0}
UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
UMLAUT = re.compile("[äöüÄÖÜß]")
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def normalise(text: str) -> list[str]:
    """Lower-case ASCII-folded tokens with abbreviations expanded and stop words dropped."""
    folded = unicodedata.normalize("NFKD", text.replace("&", " and ").replace("'", "").replace("’", ""))
    folded = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    tokens = []
    for token in _TOKEN.findall(folded):
        token = ABBREVIATIONS.get(token, token)
        if token:
            tokens.append(token)
    return tokens


def key(tokens: Iterable[str]) -> str:
    return " ".join(tokens)


def _reordered(tokens: list[str]) -> str:
    """ "University of Ulster" as "Ulster University" and the other way round ("" if neither)."""
    if not 2 <= len(tokens) <= 3:
        return ""
    if tokens[0] == "university":
        return key([*tokens[1:], "university"])
    return key(["university", *tokens[:-1]]) if tokens[-1] == "university" else ""


@dataclass
class Organisation:
    id: str
    name: str
    names: list[str] = field(default_factory=list)  # every other name, in any language
    acronyms: list[str] = field(default_factory=list)
    country: str = ""
    city: str = ""
    active: bool = True
    parents: list[str] = field(default_factory=list)  # ids of the organisations it belongs to
    kind: str = ""  # ROR type: education, facility, healthcare, ...


@dataclass
class Match:
    id: str | None
    score: float
    reason: str
    candidates: list[str] = field(default_factory=list)


def _country_names() -> dict[str, str]:
    names = dict(EXTRA_COUNTRY_NAMES)
    for country in pycountry.countries:
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if value:
                names[key(normalise(value))] = country.alpha_2
    return names


@dataclass
class _Candidate:
    org: int
    start: int
    end: int
    whole_segment: bool
    via: str
    acronym: str = ""  # the acronym it was found by, if it was

    @property
    def length(self) -> int:
        return self.end - self.start


class AffiliationMatcher:
    def __init__(self, organisations: Iterable[Organisation]) -> None:
        self.orgs: list[Organisation] = []
        self.by_key: dict[str, set[int]] = defaultdict(set)
        self.by_acronym: dict[str, set[int]] = defaultdict(set)
        self.city_tokens: list[str] = []
        self.main_name: list[str] = []
        names: list[list[list[str]]] = []  # per organisation, every name as tokens
        for org in organisations:
            index = len(self.orgs)
            self.orgs.append(org)
            main = normalise(org.name)
            others = map(normalise, set(org.names) - {org.name})
            # German umlauts are also written out: "Würzburg" as "Wuerzburg"
            spelt_out = (normalise(n.translate(UMLAUTS)) for n in {org.name, *org.names} if UMLAUT.search(n))
            names.append([list(t) for t in dict.fromkeys(map(tuple, (main, *others, *spelt_out))) if t])
            for tokens in names[-1]:
                self.by_key[key(tokens)].add(index)
            for acronym in org.acronyms:
                if len(acronym) >= 3 and acronym.isupper():
                    self.by_acronym[acronym].add(index)
            self.city_tokens.append(key(normalise(org.city)))
            self.main_name.append(key(main))
        self.countries = _country_names()
        # Words found in many names ("university", "hospital", "national") say little; a name
        # made only of them ("University Hospital") is generic and needs a place to agree. A
        # country is a place: "China Agricultural University" names one university.
        frequency: dict[str, int] = defaultdict(int)
        for name_key in self.by_key:
            for token in set(name_key.split()):
                frequency[token] += 1
        self.frequency = frequency
        common = max(5, len(self.by_key) // 400)
        self.generic = {t for t, n in frequency.items() if n > common and t not in self.countries}
        # Names that end with their place ("Hebrew University of Jerusalem", "Purdue University
        # West Lafayette", "Xenon Pharmaceuticals (Canada)") are often written without it.
        self.by_short: dict[str, set[int]] = defaultdict(set)
        country_names: dict[str, list[list[str]]] = defaultdict(list)
        for name_key, code in self.countries.items():
            country_names[code].append(name_key.split())
        for index, org in enumerate(self.orgs):
            places = [p for p in (self.city_tokens[index].split(), normalise(org.country)) if p]
            places += country_names.get(org.country, [])
            for tokens in names[index]:
                for place in places:
                    for variant in self._without_place(tokens, place):
                        self.by_short[variant].add(index)
        # Names written another way, where that reads as no other organisation's name:
        # "Universität", "Technische"... as "University", "Technical" ("Humboldt University of
        # Berlin"), and "University of Ulster" as "Ulster University" ("Washington University"
        # and "University of Washington" are two organisations)
        self.by_variant: dict[str, dict[int, str]] = defaultdict(dict)
        for index, variants in enumerate(names):
            for tokens in variants:
                translated = key(TRANSLATED.get(t, t) for t in tokens)
                for variant, via in (
                    (translated, "name in another language"),
                    (_reordered(tokens), "name in another word order"),
                ):
                    if variant and variant not in self.by_key and variant not in self.by_short:
                        self.by_variant[variant].setdefault(index, via)
        # Misspelt words ("Insitute", "Wuerzburg"): a word the names do not use that is one
        # letter away from exactly one word they use (or from one far commoner than the
        # others, by ``frequency``) is read as that word.
        self.vocabulary = {t for name_key in self.by_key for t in name_key.split()}
        self.vocabulary.update(t for city in self.city_tokens for t in city.split())
        self.one_letter_less: dict[str, set[str]] = defaultdict(set)
        for word in self.vocabulary:
            if len(word) >= 6:
                for i in range(len(word)):
                    self.one_letter_less[word[:i] + word[i + 1 :]].add(word)
        index_of = {org.id: i for i, org in enumerate(self.orgs)}
        self.children = [0] * len(self.orgs)
        for org in self.orgs:
            for parent in org.parents:
                if parent in index_of:
                    self.children[index_of[parent]] += 1

    def _without_place(self, tokens: list[str], place: list[str]) -> list[str]:
        """A name that ends with its place with the place first, and without it unless the
        rest is only common words ("University" alone names nothing); one that begins with
        its place, with the place last. Nothing where the variant is another name already."""
        n = len(place)
        if len(tokens) <= n:
            return []
        if tokens[-n:] == place:  # "Medical University of Innsbruck": "Innsbruck Medical University"
            rest = tokens[:-n]
            variants = [place + rest] + ([] if all(t in self.generic for t in rest) or len(rest) < 2 else [rest])
        elif tokens[:n] == place:  # "Leipzig University": "University of Leipzig"
            variants = [tokens[n:] + place]
        else:
            return []
        return [v for v in map(key, variants) if v not in self.by_key]

    def _countries_in(self, tokens: list[str]) -> list[tuple[str, int, int]]:
        """Countries the text names, with where: (code, start, end). A country name after
        "New" is a place elsewhere ("New Jersey", "New Mexico", "New South Wales")."""
        found = []
        for size in (1, 2, 3, 4):
            for start in range(0, len(tokens) - size + 1):
                code = self.countries.get(key(tokens[start : start + size]))
                if code and "new" not in tokens[max(0, start - 2) : start]:
                    found.append((code, start, start + size))
        return found

    def _candidates(self, segments: list[list[str]], raw: str) -> list[_Candidate]:
        """Every run of tokens that is a name; runs may cross commas ("University of
        California, San Francisco"), and a run made of whole segments counts more."""
        found: list[_Candidate] = []
        flat = [t for segment in segments for t in segment]
        boundaries = {0}
        for segment in segments:
            boundaries.add(max(boundaries) + len(segment))
        n = len(flat)
        for i in range(n):
            for j in range(i + 1, min(n, i + MAX_SPAN) + 1):
                span = flat[i:j]
                whole = i in boundaries and j in boundaries
                if not whole and any(i < b < j for b in boundaries):
                    continue  # a name across a comma is made of whole parts
                name = key(span)
                for org in self.by_key.get(name, ()):
                    found.append(_Candidate(org, i, j, whole, "name"))
                for org in self.by_short.get(name, ()):
                    found.append(_Candidate(org, i, j, whole, "name without its place"))
                for org, via in self.by_variant.get(name, {}).items():
                    found.append(_Candidate(org, i, j, whole, via))
        if not found:  # acronyms are ambiguous: only when no name is found, and only rare ones
            for word in set(re.findall(r"\b[A-Z][A-Z&\-]{2,}\b", raw)):
                orgs = self.by_acronym.get(word, set())
                if len(orgs) <= 5 and word.lower() not in self.countries:  # "USA" is a country
                    found.extend(_Candidate(org, n - 1, n, False, f"acronym {word}", word) for org in sorted(orgs))
        return found

    def _survives_overlap(self, c: _Candidate, candidates: list[_Candidate]) -> bool:
        """The longest name wins where names overlap ("Chinese University of Hong Kong" over
        "University of Hong Kong"), except that a university that begins a longer name
        ("Stanford University" in "Stanford University School of Medicine") stays in the race."""
        longer = [d for d in candidates if d.start <= c.start and c.end <= d.end and d.length > c.length]
        if not longer:
            return True
        return self.orgs[c.org].kind == "education" and all(d.start == c.start for d in longer)

    def _spelt(self, word: str) -> str:
        if word in self.vocabulary or len(word) < 6 or not word.isalpha():
            return word
        shorter = {word[:i] + word[i + 1 :] for i in range(len(word))}
        found = set(self.one_letter_less.get(word, ()))  # a letter left out
        found.update(w for w in shorter if w in self.vocabulary)  # a letter too many
        for w in shorter:  # a letter changed
            found.update(self.one_letter_less.get(w, ()))
        swapped = (word[:i] + word[i + 1] + word[i] + word[i + 2 :] for i in range(len(word) - 1))
        found.update(w for w in swapped if w in self.vocabulary)  # two letters swapped ("Univeristy")
        if len(found) > 1:  # "Universtity": "University" rather than a rare misspelling in a name
            first, second = sorted(found, key=lambda w: -self.frequency.get(w, 0))[:2]
            found = {first} if self.frequency.get(first, 0) >= 10 * self.frequency.get(second, 1) else found
        return found.pop() if len(found) == 1 else word

    def match(self, text: str) -> Match:
        segments = [normalise(part) for part in re.split(r"[,;()/\n]|\s[-–—]\s|\s\d+\s", text)]
        segments = [[self._spelt(t) for t in s] for s in segments if s]
        tokens = [t for s in segments for t in s]
        if not tokens:
            return Match(None, 0.0, "empty")
        named = self._countries_in(tokens)
        joined = " " + " ".join(tokens) + " "
        scored: dict[int, tuple[float, str]] = {}
        candidates = self._candidates(segments, text)
        candidates = [c for c in candidates if self._survives_overlap(c, candidates)]
        for c in candidates:
            org = self.orgs[c.org]
            # a country inside the name itself ("Georgia State University") names no place
            countries = {code for code, start, end in named if end <= c.start or start >= c.end}
            if countries and org.country and org.country not in countries:
                continue
            city = self.city_tokens[c.org]
            city_agrees = bool(city) and f" {city} " in joined
            span = key(tokens[c.start : c.end])
            generic = all(t in self.generic for t in tokens[c.start : c.end]) and (
                c.length <= GENERIC_MAX or len(self.by_key.get(span, ())) > 1
            )
            if generic and not c.acronym and not (city_agrees or len(tokens) == c.length):
                continue
            if len(self.by_acronym.get(c.acronym, ())) > 1 and not (city_agrees or org.country in countries):
                continue  # an acronym that several organisations use needs the place to agree
            score = c.length + (3.0 if c.whole_segment else 0.0) + KIND_BONUS.get(org.kind, 0.0)
            score += 2.0 * c.end / len(tokens)  # the organisation is usually named last
            if span == self.main_name[c.org]:
                score += 0.5  # its own name rather than a translation or a former name
            if c.acronym:
                score = 1.5
            evidence = [c.via]
            if city_agrees:
                score += 1.0
                # named apart from the organisation's name ("Anand Agricultural University" names no city)
                if f" {city} " in f" {key(tokens[: c.start])} | {key(tokens[c.end :])} ":
                    evidence.append("city agrees")
            if countries and org.country in countries:
                score += 1.0
                evidence.append("country agrees")
            if not org.active:
                score -= 0.5
            if c.org not in scored or score > scored[c.org][0]:
                scored[c.org] = (score, "; ".join(evidence))
        if not scored:
            return Match(None, 0.0, "no organisation name found")
        # A unit named together with the organisation it belongs to: the organisation is meant.
        # Only where it is named apart: "University of California" inside "University of
        # California, Berkeley" does not name the system.
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for c in candidates:
            if c.org in scored:
                spans[self.orgs[c.org].id].append((c.start, c.end))
        for o in list(scored):
            own = spans[self.orgs[o].id]
            for parent in self.orgs[o].parents:
                if any(all(e <= s0 or s >= e0 for s0, e0 in own) for s, e in spans.get(parent, ())):
                    del scored[o]
                    break
        ranking = sorted(scored.items(), key=lambda item: -item[1][0])
        best, (score, reason) = ranking[0]
        tied = [o for o, (s, _r) in ranking if s >= score - 1e-9]
        if len(tied) > 1 and "without its place" in reason:
            return Match(None, score, "several organisations fit equally", [self.orgs[o].id for o in tied])
        if len(tied) > 1:
            # Same name in several places, no place named: the far larger organisation (by
            # its units in the registry) is meant, if there is one; otherwise abstain.
            tied.sort(key=lambda o: -self.children[o])
            if self.children[tied[0]] <= self.children[tied[1]]:
                return Match(None, score, "several organisations fit equally", [self.orgs[o].id for o in tied])
            best, reason = tied[0], reason + "; the largest of organisations with this name"
        return Match(self.orgs[best].id, score, reason, [self.orgs[o].id for o, _ in ranking[:5]])
