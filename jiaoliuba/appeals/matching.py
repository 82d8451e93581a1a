"""Do two appeals tell the same matter? The cluster detector's evidence.

Residents neither write alike nor write only about their matter, so a link is a score of
what two appeals are ABOUT, not of how alike they read:
- stock phrases ("你好", "请相关部门来看看") are clauses that recur verbatim across many
  unrelated appeals; they are learned from the recent appeals of the district (no list is
  kept by hand) and dropped before comparing, so they neither dilute nor fake a link;
- the wording: character bigrams weighted by inverse document frequency over the same
  recent appeals, so rare words ("打桩", "燃气味") count and common ones ("小区", "物业")
  hardly do;
- the thing: `vocabulary.objects` (water, lift, manhole, tree, wall, railing …), each
  shared class weighted by how rare it is in the district lately, so two free tellings of
  one outage link ("家里水龙头一滴水都没有" / "自来水断了") while two complaints that
  merely both mention 垃圾 in a district full of them do not;
- the meaning: `meaning.Space`, learned from which words travel together in the shipped
  triage corpus, links tellings that share no word ("垃圾分类点没人收" / "桶都溢出来了")
  when they sit close in it;
- the place: the same building, unit or named spot (3号楼 = 三号楼, 西门, 北区) adds to
  the score, a different building or unit rules a link out.
Everything here is pure (text in, numbers out); `risk.detect_cluster` feeds it."""

from __future__ import annotations

import logging
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache

import numpy as np

from jiaoliuba.appeals import meaning, vocabulary
from jiaoliuba.appeals.similarity import normalize
from jiaoliuba.core.hanzi import standard
from jiaoliuba.triage import model as triage_model

logger = logging.getLogger(__name__)

# Clause boundaries: punctuation (Chinese and ASCII) and whitespace.
_CLAUSE = re.compile(r"[\s，。！？；：、,.!?;:…~～（）()“”\"'《》【】\[\]-]+")
_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_BUILDING = re.compile(r"([0-9]+|[一二两三四五六七八九十]+)\s*(?:号楼|栋|幢|号楼栋)")
_UNIT = re.compile(r"([0-9]+|[一二三四五六七八九十]+)\s*单元")
# Where a matter is told does not say what it is: numbered buildings, units and floors,
# named spots and words of position are taken out of the wording before comparing (they
# count once, as place evidence), or "6号楼4单元这边" links two unrelated complaints.
_WHERE = re.compile(
    r"(?:[0-9]+|[一二两三四五六七八九十]+)(?:号楼|栋|幢|单元|号|楼|层)"
    r"|[东南西北]{1,2}(?:门|区|边|侧|角|面)"
    r"|这边|那边|旁边|附近|边上|门口|对面|后面|前面|一带|那里|这里|这儿|那儿"
)


def _number(token: str) -> int:
    if token.isdigit():
        return int(token)
    if token == "十":
        return 10
    if token.startswith("十"):
        return 10 + _CN_NUM.get(token[1:], 0)
    if "十" in token:
        tens, _sep, ones = token.partition("十")
        return _CN_NUM.get(tens, 1) * 10 + _CN_NUM.get(ones, 0)
    return _CN_NUM.get(token, 0)


def clauses(text: str) -> list[str]:
    # `normalize` reads the standard form, as triage does: 電梯, 𨋢 and 电梯 are one thing.
    return [c for c in (normalize(p) for p in _CLAUSE.split(text or "")) if c]


def bigrams(text: str) -> set[str]:
    if len(text) < 2:
        return {text} if text else set()
    return {text[i : i + 2] for i in range(len(text) - 1)}


def things(parts: Iterable[str]) -> frozenset[str]:
    """The object classes of a text's clauses, read clause by clause: a word of position
    in the next clause ("滑梯坏了，边上翘起来") does not make the thing a place."""
    found: frozenset[str] = frozenset()
    for part in parts:
        found |= vocabulary.objects(part)
    return found


@dataclass(frozen=True)
class Reference:
    """How appeals read in general: bigram and object-class document frequencies of the
    triage training corpus (thousands of appeals by many writers, shipped with the code).
    It steadies the district's own counts: a young district has seen too few appeals to
    know that "物业" or "不便" are common, and a word never seen in the district may still
    be everyday language."""

    docs: int = 0
    bigram_df: Counter[str] = field(default_factory=Counter)
    object_df: Counter[str] = field(default_factory=Counter)
    space: meaning.Space | None = None


@cache
def reference() -> Reference:
    texts = [row.content for row in triage_model.training_corpus()]
    bigram_df: Counter[str] = Counter()
    object_df: Counter[str] = Counter()
    documents = []
    for text in texts:
        parts = clauses(text)
        bigram_df.update(set().union(*(bigrams(p) for p in parts)) if parts else ())
        object_df.update(things(parts))
        documents.append(meaning.terms(wording(parts)))
    return Reference(
        docs=len(texts),
        bigram_df=bigram_df,
        object_df=object_df,
        space=_space(documents) if texts else None,
    )


def _space(documents: list[Counter[str]]) -> meaning.Space | None:
    """The space, or None when it cannot be learned (a broken numerical library, say): the
    cluster test then reads words, things and places as it did before the space, rather than
    every risk check failing."""
    try:
        return meaning.learn_space(documents)
    except Exception:
        logger.warning("risk matching: the space of meaning could not be learned", exc_info=True)
        return None


@dataclass(frozen=True)
class Corpus:
    """What is common in the district lately (clause, bigram and object-class document
    frequencies), read against the general `Reference`."""

    docs: int
    bigram_df: Counter[str] = field(default_factory=Counter)
    stock: frozenset[str] = frozenset()
    object_df: Counter[str] = field(default_factory=Counter)
    ref: Reference = field(default_factory=Reference)

    def weight(self, gram: str) -> float:
        # Smoothed IDF over the district and the reference; an unseen bigram weighs most.
        docs = self.docs + self.ref.docs
        df = self.bigram_df.get(gram, 0) + self.ref.bigram_df.get(gram, 0)
        return math.log((docs + 1) / (df + 1)) + 1.0

    def share(self, thing: str) -> float:
        """The share of appeals that mention `thing`, padded as in `rarity`."""
        ref = (
            (self.ref.object_df.get(thing, 0) + 1) / (self.ref.docs + 50)
            if self.ref.docs
            else OBJECT_PRIOR_SHARE
        )
        return (self.object_df.get(thing, 0) + OBJECT_PRIOR_DOCS * ref) / (
            self.docs + OBJECT_PRIOR_DOCS
        )

    def rarity(self, thing: str) -> float:
        """0 for a class every appeal mentions, 1 for one none does. A young corpus is
        padded with OBJECT_PRIOR_DOCS appeals that mention each class as often as the
        reference does, so a district's first appeals do not make every class look rare."""
        return max(0.0, 1.0 - self.share(thing) * OBJECT_COMMON)


# A clause is a stock phrase when it recurs verbatim in this share of the recent appeals
# (and in at least STOCK_MIN_DOCS of them) and in more than one community: a matter's own
# words recur within one community (neighbours copying one message must still link), a
# greeting or closing recurs across the whole district.
STOCK_SHARE = 0.01
STOCK_MIN_DOCS = 4
STOCK_MIN_PLACES = 2
STOCK_MAX_LEN = 14  # longer clauses carry a matter even when copied

# The object prior and how common a class may be before it says nothing: a class in
# 1/OBJECT_COMMON of the district's appeals has rarity 0 (10, not 8, since the vocabulary
# got everyday names: more appeals mention each class; measured in bench/README.md).
OBJECT_PRIOR_DOCS = 50
OBJECT_PRIOR_SHARE = 0.02
OBJECT_COMMON = 10.0


def learn(texts: Iterable[tuple[str, object]], ref: Reference | None = None) -> Corpus:
    """`texts`: (text, community) of the district's recent appeals; `ref` defaults to the
    shipped `reference()`."""
    docs = 0
    clause_df: Counter[str] = Counter()
    clause_places: dict[str, set[object]] = {}
    bigram_df: Counter[str] = Counter()
    kept: list[set[str]] = []
    for text, place in texts:
        docs += 1
        parts = set(clauses(text))
        kept.append(parts)
        clause_df.update(parts)
        for part in parts:
            clause_places.setdefault(part, set()).add(place)
        bigram_df.update(set().union(*(bigrams(p) for p in parts)) if parts else ())
    floor = max(STOCK_MIN_DOCS, math.ceil(STOCK_SHARE * docs))
    stock = frozenset(
        c
        for c, n in clause_df.items()
        if n >= floor and len(c) <= STOCK_MAX_LEN and len(clause_places[c]) >= STOCK_MIN_PLACES
    )
    object_df: Counter[str] = Counter()
    for parts in kept:
        object_df.update(things(p for p in parts if p not in stock))
    return Corpus(
        docs=docs,
        bigram_df=bigram_df,
        stock=stock,
        object_df=object_df,
        ref=reference() if ref is None else ref,
    )


def places(text: str) -> tuple[frozenset[int], frozenset[int]]:
    plain = standard(text or "").translate(_DIGITS)
    return (
        frozenset(_number(m) for m in _BUILDING.findall(plain)),
        frozenset(_number(m) for m in _UNIT.findall(plain)),
    )


@dataclass(frozen=True)
class Telling:
    """One appeal as the cluster detector sees it."""

    core: str
    grams: frozenset[str]
    weight: float
    objects: frozenset[str]
    buildings: frozenset[int]
    units: frozenset[int]
    spots: frozenset[str]
    # Its point in the reference's space of meaning (None without one).
    sense: np.ndarray | None = field(default=None, compare=False)


def wording(kept: Iterable[str]) -> list[str]:
    """The clauses with places and words of position taken out: what is told, not where."""
    return [w for c in kept for w in _WHERE.split(c.translate(_DIGITS)) if w]


def telling(text: str, corpus: Corpus) -> Telling:
    kept = [c for c in clauses(text) if c not in corpus.stock]
    core = "".join(kept)
    told = wording(kept)
    grams = frozenset(set().union(*(bigrams(w) for w in told)) if told else ())
    buildings, units = places(text)
    space = corpus.ref.space
    return Telling(
        core=core,
        grams=grams,
        weight=sum(corpus.weight(g) for g in grams),
        objects=things(kept),
        buildings=buildings,
        units=units,
        spots=vocabulary.spots(core),
        sense=space.point(meaning.terms(told)) if space is not None else None,
    )


def text_score(a: Telling, b: Telling, corpus: Corpus) -> float:
    """IDF-weighted mean of Jaccard and the overlap coefficient (as `similarity.score`)."""
    if not a.grams or not b.grams:
        return 0.0
    shared = sum(corpus.weight(g) for g in a.grams & b.grams)
    if not shared:
        return 0.0
    union = a.weight + b.weight - shared
    return (shared / union + shared / min(a.weight, b.weight)) / 2


def places_conflict(a: Telling, b: Telling) -> bool:
    """Both name a building (or unit) and none in common: different matters."""
    return bool(
        (a.buildings and b.buildings and not a.buildings & b.buildings)
        or (a.units and b.units and not a.units & b.units)
    )


# How much a shared thing and a shared place add to the wording's score (tuned on the
# bench's streams, never on its evaluation set; see bench/README.md "Risk warnings").
OBJECT_WEIGHT = 0.4
SECOND_OBJECT_WEIGHT = 0.05
PLACE_WEIGHT = 0.1


def object_score(a: Telling, b: Telling, corpus: Corpus) -> float:
    """The rarest shared class counts fully, a second one in part."""
    shared = sorted((corpus.rarity(t) for t in a.objects & b.objects), reverse=True)
    if not shared:
        return 0.0
    return OBJECT_WEIGHT * shared[0] + SECOND_OBJECT_WEIGHT * sum(shared[1:2])


# Closeness in the space of meaning above the floor counts this much (cosine 0.7 adds
# 0.3, a link on its own). The floor is where unrelated appeals of one kind sit: unrelated
# pairs linked at the threshold went from 1.7 % to 1.9 % (bench/risk_pairs.py; chosen in
# bench/README.md, Risk warnings, "a space of meaning").
MEANING_WEIGHT = 1.0
MEANING_FLOOR = 0.4


def meaning_score(a: Telling, b: Telling) -> float:
    if a.sense is None or b.sense is None:
        return 0.0
    return MEANING_WEIGHT * max(0.0, float(a.sense @ b.sense) - MEANING_FLOOR)


def same_place(a: Telling, b: Telling) -> bool:
    return bool(a.buildings & b.buildings or a.units & b.units or a.spots & b.spots)


def score(a: Telling, b: Telling, corpus: Corpus) -> float:
    """The link's strength, 0 when the two cannot be one matter: different buildings or
    units, or nothing shared about WHAT they tell (a shared place alone is not a matter)."""
    if places_conflict(a, b):
        return 0.0
    about = object_score(a, b, corpus) + meaning_score(a, b)
    text = text_score(a, b, corpus)
    if not about and text < TEXT_ALONE:
        return 0.0
    return text + about + (PLACE_WEIGHT if same_place(a, b) else 0.0)


# The wording alone must be this alike to count as "about the same" without a shared thing.
TEXT_ALONE = 0.15


def linked(a: Telling, b: Telling, corpus: Corpus, threshold: float) -> bool:
    return score(a, b, corpus) >= threshold


def common_thing(members: Iterable[Telling], corpus: Corpus) -> bool:
    """One thing (not common in the district) that every member tells about."""
    things: frozenset[str] | None = None
    for m in members:
        things = m.objects if things is None else things & m.objects
        if not things:
            return False
    return any(corpus.rarity(t) > 0 for t in things or ())


# Two members linked through the new appeal need this share of a link of their own.
RELATED = 0.5
# Wording this alike is one message copied (from a building's chat group, say); a third
# appeal joins such a pair only by a link this many times the threshold.
COPY = 0.8
COPY_LINK = 1.5


def group_of(new: int, tellings: dict[int, Telling], corpus: Corpus, threshold: float) -> set[int]:
    """The new appeal's group. A member must share one reason with the new appeal and one
    more member: the three are linked pairwise (the third pair at least half as strongly:
    it was already joined through the new appeal), or all three tell the same (not
    common) thing. A star through the new appeal (linked to one appeal by its place, to another by
    its thing) is no group. Then any appeal linked to at least two members joins: one
    chance link cannot chain an unrelated appeal in, which single-link grouping allowed."""
    others = [k for k in tellings if k != new]
    links = {
        (x, y)
        for i, x in enumerate([new, *others])
        for y in others[i:]
        if x != y and linked(tellings[x], tellings[y], corpus, threshold)
    }

    def link(x: int, y: int) -> bool:
        return (x, y) in links or (y, x) in links

    def copied(x: int, y: int) -> bool:
        return text_score(tellings[x], tellings[y], corpus) >= COPY

    direct = [k for k in others if link(new, k)]
    group = {new}
    for i, a in enumerate(direct):
        for b in direct[i + 1 :]:
            # One message sent twice is one piece of evidence: the new appeal's link to it
            # must be strong on its own, or any appeal that shares a thing with a forwarded
            # message would make three.
            if (
                copied(a, b)
                and not copied(new, a)
                and max(score(tellings[new], tellings[x], corpus) for x in (a, b))
                < COPY_LINK * threshold
            ):
                continue
            if (
                link(a, b)
                or score(tellings[a], tellings[b], corpus) >= RELATED * threshold
                or common_thing((tellings[new], tellings[a], tellings[b]), corpus)
            ):
                group |= {a, b}
    group |= told_together(new, tellings, corpus)
    if len(group) == 1:
        return group
    grown = True
    while grown:
        grown = False
        for k in others:
            linked_to = [m for m in group if link(k, m)]
            if k not in group and any(
                not copied(x, y) for i, x in enumerate(linked_to) for y in linked_to[i + 1 :]
            ):
                group.add(k)
                grown = True
    return group


# How unlikely it must be that this many appeals of the window mention one thing by chance.
THING_P = 0.002


def told_together(new: int, tellings: dict[int, Telling], corpus: Corpus) -> set[int]:
    """The appeals of the window that tell the same thing as the new one, when more of them
    do than chance would make likely. A thing a twentieth of the district's appeals mention
    turns up twice among eight appeals now and then; three or four times in two days, it
    is one matter told in different words. The binomial tail over the window is the
    evidence, so a long window or a common thing needs more reports."""
    found: set[int] = set()
    others = [k for k in tellings if k != new]
    for thing in tellings[new].objects:
        share = corpus.share(thing)
        if share * OBJECT_COMMON >= 1:
            continue
        telling_it = [
            k
            for k in others
            if thing in tellings[k].objects and not places_conflict(tellings[new], tellings[k])
        ]
        # A message forwarded by several neighbours counts once here: the question is how
        # many separate tellings mention the thing, and copies are not separate.
        distinct: list[int] = []
        for k in telling_it:
            if all(text_score(tellings[k], tellings[d], corpus) < COPY for d in distinct):
                distinct.append(k)
        if len(distinct) >= 2 and binomial_tail(len(distinct), len(others), share) < THING_P:
            found |= {new, *telling_it}
    return found


def binomial_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p)."""
    return max(0.0, 1.0 - sum(math.comb(n, i) * p**i * (1 - p) ** (n - i) for i in range(k)))


def group_texts(
    new: int, texts: dict[int, str], corpus_texts: Sequence[tuple[str, object]], threshold: float
) -> set[int]:
    corpus = learn(corpus_texts)
    return group_of(new, {k: telling(t, corpus) for k, t in texts.items()}, corpus, threshold)
