"""Tokenisation for lexical search in every script the platform serves.

Latin and Cyrillic words are folded (case, accents) and stemmed with Snowball (English for
Latin script, Russian for Cyrillic); Arabic is normalised (diacritics, alef and yeh forms,
the article) and lightly stemmed; Chinese, Japanese and Korean text has no spaces, so it is
indexed as overlapping character bigrams plus single characters, the usual choice for CJK
BM25 without a dictionary.
"""

import re
import unicodedata
from functools import lru_cache

import Stemmer

from silkbridge.core.text import fold

# Short English function words: they carry no topic and dominate BM25 otherwise.
STOPWORDS = frozenset(
    """a about above after again all also am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our ours out over own same she should so some such than that the
    their theirs them then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your
    de la le les des du et en un une au aux pour par sur dans est el los las y del con para por""".split()  # noqa: SIM905
)

_WORD = re.compile(r"\w+", re.UNICODE)
_ARABIC_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_ARABIC_PREFIXES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("ات", "ون", "ين", "ية", "ها", "ة")
# Arabic-Indic and Eastern Arabic-Indic digits read as the digits records are written in
# ("١٩٩٠" finds "1990"; NFKC leaves them as they are)
_DIGITS = str.maketrans({chr(base + d): str(d) for base in (0x0660, 0x06F0) for d in range(10)})


@lru_cache(maxsize=4)
def _stemmer(language: str) -> "Stemmer.Stemmer":
    return Stemmer.Stemmer(language)


# CJK unified ideographs (extension A, compatibility), kana, Hangul syllables: the same
# ranges twice, as a pattern to count them in a text and as comparisons (twice as fast per
# character, which tokenising asks for)
_CJK_CHAR = re.compile("[\u4e00-\u9fff\u3400-\u4dbf\u3040-\u30ff\uac00-\ud7af\uf900-\ufaff]")


def is_cjk(ch: str) -> bool:
    code = ord(ch)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0x3040 <= code <= 0x30FF
        or 0xAC00 <= code <= 0xD7AF
        or 0xF900 <= code <= 0xFAFF
    )


def _script(word: str) -> str:
    ch = word[0]
    if is_cjk(ch):
        return "cjk"
    code = ord(ch)
    if 0x0600 <= code <= 0x06FF:
        return "arabic"
    if 0x0400 <= code <= 0x04FF:
        return "cyrillic"
    return "latin"


def _arabic(word: str) -> str:
    word = _ARABIC_DIACRITICS.sub("", word)
    word = re.sub("[إأآٱ]", "ا", word).replace("ى", "ي").replace("ؤ", "و").replace("ئ", "ي")
    for prefix in _ARABIC_PREFIXES:
        if word.startswith(prefix) and len(word) - len(prefix) >= 3:
            word = word[len(prefix) :]
            break
    for suffix in _ARABIC_SUFFIXES:
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            word = word[: -len(suffix)]
            break
    return word


def _cjk_runs(word: str) -> list[str]:
    """Split a \\w+ match into runs of CJK and non-CJK characters."""
    runs: list[str] = []
    for ch in word:
        if runs and is_cjk(ch) == is_cjk(runs[-1][-1]):
            runs[-1] += ch
        else:
            runs.append(ch)
    return runs


def tokenize(text: str) -> list[str]:
    """Index terms of a text, in order (duplicates kept: BM25 counts them)."""
    terms: list[str] = []
    latin: list[str] = []
    cyrillic: list[str] = []
    for match in _WORD.finditer(_ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text).translate(_DIGITS))):
        for run in _cjk_runs(match.group()):
            script = _script(run)
            if script == "cjk":
                terms.extend(run)
                terms.extend(run[i : i + 2] for i in range(len(run) - 1))
                continue
            word = fold(run) if script != "arabic" else _arabic(run)
            if not word or word in STOPWORDS:
                continue
            if script == "latin":
                latin.append(word)
            elif script == "cyrillic":
                cyrillic.append(word)
            else:
                terms.append(word)
    terms.extend(_stemmer("english").stemWords(latin))
    terms.extend(_stemmer("russian").stemWords(cyrillic))
    return terms


def words(text: str) -> list[str]:
    """The distinct words of a text, in order, in lower case: what the lexicon embeds one by
    one (lexicon.py). Chinese, Japanese and Korean text has no spaces, so each pair of
    characters counts as a word (a lone character as itself). Stop words and anything with a
    digit are left out."""
    found: list[str] = []
    for match in _WORD.finditer(_ARABIC_DIACRITICS.sub("", unicodedata.normalize("NFKC", text))):
        for run in _cjk_runs(match.group()):
            if is_cjk(run[0]):
                found.extend(run[i : i + 2] for i in range(max(len(run) - 1, 1)))
            elif len(run) > 1 and run.isalpha() and fold(run) not in STOPWORDS:
                found.append(run.casefold())
    return list(dict.fromkeys(found))


# A sentence ends at . ! ? followed by a space (after a closing bracket or quote, if any):
# "0.05", "e.g." inside a word and "(… record.)" stay whole. CJK full stops need no space.
_SENTENCE_END = re.compile(r"(?<=[.!?][)\]\"'”’»])\s+|(?<=[.!?])\s+|(?<=[。！？؟])\s*")


def chunks(text: str, max_words: int = 80) -> list[str]:
    """Split a long text into pieces of whole sentences of at most ``max_words`` words, so
    that each piece is embedded on its own and a query can match the passage that answers
    it. A CJK character counts as 0.6 of a word (about as many model tokens)."""
    pieces: list[str] = []
    current: list[str] = []
    size = 0.0
    for sentence in (s.strip() for s in _SENTENCE_END.split(text)):
        if not sentence:
            continue
        words = len(sentence.split()) + 0.6 * len(_CJK_CHAR.findall(sentence))
        if current and size + words > max_words:
            pieces.append(" ".join(current))
            current, size = [], 0
        current.append(sentence)
        size += words
    if current:
        pieces.append(" ".join(current))
    return pieces
