"""The public product search.

Each product carries `search_text`: the names of the product, its village, kecamatan, category (also in
English) and producers, and its story, lower-cased.

A query is read as a buyer means it (`search_plan`), the same way on both databases:
- words and phrases of a synonym group (SearchSynonym, kept by the Dinas in the admin) stand for the
  whole group: "pottery" finds "gerabah", "Muntok" finds "Mentok";
- a word that occurs nowhere in the public products is replaced by its nearest words of the
  vocabulary (the words of every public product's search text) by trigram similarity, computed the way
  PostgreSQL's pg_trgm does: "Bumijya" finds "Bumijaya" on the embedded SQLite default as well;
- a word that still matches nothing is left out when other words do match, and said so.

Each group of alternatives must match (AND); within a group any alternative will do (OR). On SQLite an
alternative matches as a substring; on PostgreSQL as a full-text prefix ('simple' configuration:
Indonesian has no stemmer in PostgreSQL) or, for the words as typed, by trigram word similarity to the
product's name; both are served by GIN indexes (migrations 0005 and 0018), and full-text rank plus
the name's similarity order the results.

The synonym table and the vocabulary are small and cached: the synonyms until one changes
(products.signals), the vocabulary under the public pages' version (core.caching), which every write to
the products' tables moves on.

`manage.py search_refresh` rewrites every product's search text: run it once after upgrading past
migration 0016, which named the categories in English (rows written before carry only the Indonesian
name), and after bulk changes of region names.
"""

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.lookups import TrigramWordSimilar
from django.contrib.postgres.search import (
    SearchQuery,
    SearchRank,
    SearchVector,
    SearchVectorCombinable,
    SearchVectorExact,
    SearchVectorField,
    TrigramWordSimilarity,
)
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    Case,
    Expression,
    ExpressionWrapper,
    F,
    FloatField,
    Func,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import Length, Replace

from core.caching import public_version

from .models import Product, SearchSynonym
from .models.synonyms import synonym_terms

MAX_QUERY_LENGTH = 100
# A word that matches nothing is replaced by vocabulary words at least this similar (pg_trgm's default
# similarity threshold is 0.3; a little stricter keeps short words from turning into others)...
CORRECTION_THRESHOLD = 0.4
# ...by up to this many, the nearest ones (within this margin of the best)...
MAX_CORRECTIONS = 3
CORRECTION_MARGIN = 0.05
# ...and "did you mean" may go further, since a person chooses to follow it.
SUGGESTION_THRESHOLD = 0.25
# Shorter words are noise in a query ("a", "&", stray letters): left out.
MIN_WORD_LENGTH = 2

SYNONYMS_KEY = "search:synonyms"
SYNONYMS_SECONDS = 24 * 3600
VOCABULARY_KEY = "search:vocabulary"

WORD = re.compile(r"\w+")


def words_of(text: str) -> tuple[str, ...]:
    return tuple(word for word in WORD.findall(text.lower()) if len(word) >= MIN_WORD_LENGTH)


def search_document(product: Product) -> str:
    """The text the public search looks in (the product must come with its village, district,
    category and producers loaded)."""
    parts = [
        product.name,
        product.village.name,
        product.village.district.name,
        product.category.name,
        getattr(product.category, "name_en", ""),  # (absent from the historical model of migration 0005)
        *(producer.business_name for producer in product.producers.all()),
        product.story,
    ]
    return " ".join(" ".join(part.split()) for part in parts if part).lower()


def search_refresh(products: Iterable[int] | QuerySet | None = None) -> int:
    """Recompute `search_text` for these products (ids or a queryset; all when None)."""
    queryset = Product.objects.all()
    if isinstance(products, QuerySet):
        queryset = queryset.filter(pk__in=products.values("pk"))
    elif products is not None:
        queryset = queryset.filter(pk__in=list(products))
    changed = []
    rows = queryset.select_related("village__district", "category").prefetch_related("producers")
    for product in rows.iterator(chunk_size=500):
        text = search_document(product)
        if text != product.search_text:
            product.search_text = text
            changed.append(product)
    # bulk_update writes with UPDATE: no save() and so no signals, and updated_at is left alone.
    Product.objects.bulk_update(changed, ["search_text"], batch_size=500)
    return len(changed)


# --- the synonyms and the vocabulary, cached -------------------------------------------------------------


def synonym_groups() -> list[list[tuple[str, ...]]]:
    """Every synonym group, each term as its words: [[("gerabah",), ("pottery",)], ...]."""
    groups = cache.get(SYNONYMS_KEY)
    if groups is None:
        groups = []
        for words in SearchSynonym.objects.values_list("words", flat=True):
            terms = [words_of(term) for term in synonym_terms(words)]
            terms = [term for term in terms if term]
            if len(terms) > 1:
                groups.append(terms)
        cache.set(SYNONYMS_KEY, groups, SYNONYMS_SECONDS)
    return groups


def synonyms_forget() -> None:
    cache.delete(SYNONYMS_KEY)


def trigrams(word: str) -> frozenset[str]:
    """A word's trigrams as pg_trgm makes them: padded with two spaces before and one after."""
    padded = f"  {word} "
    return frozenset(padded[i : i + 3] for i in range(len(padded) - 2))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """pg_trgm's similarity(): shared trigrams over all trigrams of the two words."""
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass
class Vocabulary:
    """The words of the public products' search text, with a trigram index to find near spellings."""

    words: tuple[str, ...]
    _joined: str = field(init=False, repr=False)
    _sizes: list[int] = field(init=False, repr=False)
    _index: dict[str, list[int]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # One string, one word a line: "does any word contain this one" is a single substring test.
        self._joined = "\n" + "\n".join(self.words) + "\n"
        self._sizes, self._index = [], {}
        for number, word in enumerate(self.words):
            grams = trigrams(word)
            self._sizes.append(len(grams))
            for gram in grams:
                self._index.setdefault(gram, []).append(number)

    def knows(self, term: tuple[str, ...]) -> bool:
        """Whether every word of the term occurs in some product (as part of a word, as SQLite
        matches)."""
        return all(word in self._joined for word in term)

    def nearest(self, word: str, threshold: float) -> list[str]:
        """The vocabulary's words most like `word` (best first), at least `threshold` similar: only the
        words sharing a trigram with it are looked at."""
        target = trigrams(word)
        shared = Counter(number for gram in target for number in self._index.get(gram, ()))
        scored = []
        for number, common in shared.items():
            score = common / (len(target) + self._sizes[number] - common)
            if score >= threshold:
                scored.append((score, self.words[number]))
        if not scored:
            return []
        scored.sort(key=lambda pair: (-pair[0], pair[1]))
        best = scored[0][0]
        return [
            candidate for score, candidate in scored[:MAX_CORRECTIONS] if score >= best - CORRECTION_MARGIN
        ]


_memo: dict[str, Vocabulary] = {}


def vocabulary() -> Vocabulary:
    """The vocabulary of the served area's public products: built once per public-pages version (one
    query), shared through the cache, kept in this process while the version holds."""
    version = public_version()
    key = f"{VOCABULARY_KEY}:{settings.OVOP_AREA_CODE}:{version}"
    if version is not None and key in _memo:
        return _memo[key]
    words = cache.get(key) if version is not None else None
    if words is None:
        found: set[str] = set()
        for text in Product.objects.public().values_list("search_text", flat=True).iterator():
            found.update(words_of(text))
        words = tuple(sorted(found))
        if version is not None:
            cache.set(key, words, settings.OVOP_PUBLIC_CACHE_SECONDS)
    result = Vocabulary(words)
    if version is not None:
        _memo.clear()  # one version at a time: the older ones are stale
        _memo[key] = result
    return result


# --- reading a query -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Unit:
    """One thing the buyer asked for: a word or a phrase, and every term that stands for it."""

    typed: str  # as typed ("bumijya", "woven basket")
    used: str  # as searched: the typed words, their correction, or the synonym found in the products
    alternatives: tuple[tuple[str, ...], ...]
    known: bool  # some alternative occurs in the public products
    changed: bool  # searched as something other than what was typed


@dataclass(frozen=True)
class SearchPlan:
    typed: str
    units: tuple[Unit, ...]
    dropped: tuple[str, ...] = ()  # typed words that matched nothing and were left out

    @property
    def shown(self) -> str:
        """The query that was searched, in words ("gerabah bumijaya")."""
        return " ".join(unit.used for unit in self.units)

    @property
    def changed(self) -> bool:
        """Whether the results are those of another query than the one typed."""
        return bool(self.dropped) or any(unit.changed for unit in self.units)

    def __bool__(self) -> bool:
        return bool(self.units)


def _phrases(
    words: tuple[str, ...], index: dict[tuple[str, ...], set[int]], longest: int
) -> Iterator[tuple[str, ...]]:
    """The query's words, a synonym phrase ("batik tulis", "woven basket") kept together."""
    position = 0
    while position < len(words):
        for size in range(min(longest, len(words) - position), 0, -1):
            phrase = words[position : position + size]
            if size == 1 or phrase in index:
                yield phrase
                position += size
                break


def _expand(term: tuple[str, ...], groups: list, index: dict) -> list[tuple[str, ...]]:
    alternatives = [term]
    for group in index.get(term, ()):
        alternatives += [other for other in groups[group] if other not in alternatives]
    return alternatives


def search_plan(query: str) -> SearchPlan:
    """How the catalogue searches for `query` (see the module's docstring)."""
    typed = " ".join(query.split())[:MAX_QUERY_LENGTH].lower()
    words = words_of(typed)
    if not words:
        return SearchPlan(typed=typed, units=())
    groups = synonym_groups()
    index: dict[tuple[str, ...], set[int]] = {}
    for number, group in enumerate(groups):
        for term in group:
            index.setdefault(term, set()).add(number)
    longest = max((len(term) for term in index), default=1)
    known_words = vocabulary()
    units, unknown = [], []
    for phrase in _phrases(words, index, longest):
        typed_phrase = " ".join(phrase)
        alternatives = _expand(phrase, groups, index)
        found = [alt for alt in alternatives if known_words.knows(alt)]
        if found:
            literal = found[0] == phrase
            used = typed_phrase if literal else " ".join(found[0])
            units.append(Unit(typed_phrase, used, tuple(alternatives), True, not literal))
            continue
        corrections = known_words.nearest(typed_phrase, CORRECTION_THRESHOLD) if len(phrase) == 1 else []
        if corrections:
            corrected = []
            for word in corrections:
                corrected += [alt for alt in _expand((word,), groups, index) if alt not in corrected]
            units.append(Unit(typed_phrase, corrections[0], tuple(corrected), True, True))
        else:
            unknown.append(Unit(typed_phrase, typed_phrase, tuple(alternatives), False, False))
    if not units:  # nothing known: search as typed (and find nothing; "did you mean" may help)
        return SearchPlan(typed=typed, units=tuple(unknown))
    return SearchPlan(typed=typed, units=tuple(units), dropped=tuple(unit.typed for unit in unknown))


def suggestions(plan: SearchPlan) -> Iterator[str]:
    """Other queries to offer when `plan` finds nothing, the likeliest first: looser corrections of the
    words that matched nothing, then the query without one of its words."""
    if not plan:
        return
    known_words = vocabulary()
    loosened = [
        (known_words.nearest(unit.typed, SUGGESTION_THRESHOLD)[:1] or [unit.used])[0]
        if not unit.known and " " not in unit.typed
        else unit.used
        for unit in plan.units
    ]
    if any(not unit.known for unit in plan.units) and loosened != [u.used for u in plan.units]:
        yield " ".join(loosened)
    if len(plan.units) > 1:
        for skipped in reversed(range(len(plan.units))):
            yield " ".join(word for number, word in enumerate(loosened) if number != skipped)


# --- running it ------------------------------------------------------------------------------------------


def _tsquery(plan: SearchPlan) -> str:
    """The plan as one raw tsquery: units ANDed, alternatives ORed, each word as a prefix. Words are
    \\w+ runs, so nothing in them is tsquery syntax."""

    def alternative(words: tuple[str, ...]) -> str:
        return "(" + " & ".join(f"{word}:*" for word in words) + ")"

    return " & ".join(
        "(" + " | ".join(alternative(alt) for alt in unit.alternatives) + ")" for unit in plan.units
    )


class StoredSearchVector(Expression):
    """PostgreSQL: the product's search text as a full-text vector, stored by the database beside it
    (the generated column `search_vector` of migration 0023, which the model does not declare: SQLite
    has none). Matching and ranking read it instead of turning each row's long text into a vector."""

    output_field = SearchVectorField()

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        table = compiler.quote_name(compiler.query.base_table)
        return f"{table}.{connection.ops.quote_name('search_vector')}", []


class _Weighted(SearchVectorCombinable, Func):
    """setweight(vector, weight), combinable with SearchVector's `+`."""

    function = "setweight"
    output_field = SearchVectorField()


def search(queryset: QuerySet, query: "str | SearchPlan") -> QuerySet:
    """Products matching the query, annotated with `relevance` (higher is better)."""
    plan = query if isinstance(query, SearchPlan) else search_plan(query)
    if not plan:
        return queryset.annotate(relevance=Value(0.0, output_field=FloatField()))
    if connection.vendor == "postgresql":
        document = StoredSearchVector()
        condition = Q()
        for unit in plan.units:
            unit_terms = SearchQuery(
                _tsquery(SearchPlan(plan.typed, (unit,))), config="simple", search_type="raw"
            )
            # Near spellings are looked for in the product's name only (trigram index of migration
            # 0018): in the long search text a common trigram ("kan") made the index return most of
            # the country's products for the recheck to reject (issue 19: 6.9 s for "bulakan").
            # Misspelt words elsewhere are corrected from the vocabulary before they get here.
            # The name's test comes first: a trigram match is always rechecked, and PostgreSQL
            # rechecks the whole OR in this order.
            condition &= Q(TrigramWordSimilar(F("name"), Value(unit.used))) | Q(
                SearchVectorExact(document, unit_terms)
            )
        terms = SearchQuery(_tsquery(plan), config="simple", search_type="raw")
        # The filter uses the two GIN indexes; the ranking then runs on the matches only: a match in
        # the product's own name counts most, then full-text rank, then a near spelling of the name.
        # (A near spelling anywhere in the long search text, compared trigram by trigram, was half of
        # the time of the country's 900 matches of "gerabah": issue 19.)
        named = SearchVector("name", config="simple", weight="A") + _Weighted(document, Value("D"))
        return queryset.filter(condition).annotate(
            relevance=SearchRank(named, terms) + TrigramWordSimilarity(plan.shown, "name")
        )
    # SQLite: what PostgreSQL's rank weighs, roughly: a match in the product's name counts most, then
    # how often the words occur in its search text.
    condition, scores = Q(), []
    for unit in plan.units:
        matches, named = Q(), Q()
        for alternative in unit.alternatives:
            matches |= Q(*(Q(search_text__contains=word) for word in alternative))
            named |= Q(*(Q(name__icontains=word) for word in alternative))
            scores += [_occurrences(word) for word in alternative]
        condition &= matches
        scores.append(Case(When(named, then=Value(1.0)), default=Value(0.0), output_field=FloatField()))
    return queryset.filter(condition).annotate(relevance=sum(scores[1:], scores[0]))


def _occurrences(word: str):
    """How often `word` occurs in the search text, a tenth of a point each."""
    removed = Length("search_text") - Length(Replace("search_text", Value(word), Value("")))
    return ExpressionWrapper(removed * Value(0.1 / len(word)), output_field=FloatField())
