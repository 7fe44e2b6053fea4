"""Screen supplier names against the names of listed entities.

A match is a lead for a person to review, never a finding. This module is plain Python with no
Django imports so that the web app and ``benchmarks/bench_screening.py`` share one matcher.

How a name is read (``normalise_company_name`` shows the result):

1. Unicode NFKC; "AksuRuitai" is split at the change of case; case folding.
2. Han text: traditional characters become simplified (ICU), then abbreviations written in
   Han characters (``ABBREVIATIONS``: 新疆生产建设兵团) are expanded.
3. Text in brackets is kept apart as a *qualifier* ("Hoshine Silicon (Jiaxing)"), unless it
   only repeats the name or is an address; so is a city after the brand ("Xinjiang Zhongtai
   Chemical Fukang Energy"). A legal form after the brackets is removed.
4. Han text: legal forms (``HAN_LEGAL_FORMS``: 股份有限公司, 有限责任公司, 有限公司, ...)
   are removed, 集团 becomes the word "group", and the rest is read as toneless pinyin with
   pypinyin (``lazy_pinyin``, style NORMAL). Each token remembers its characters, so two Han
   names are still compared by character (中泰 is not its homophone 忠泰).
5. Latin text: split into words with rigour's tokenizer, and a name run together without
   spaces at its trade words ("AKSUHUAFUTEXTILES" -> aksu huafu textiles); abbreviations
   (XPCC, Bingtuan, XUAR) and other spellings of places (``PLACE_VARIANTS``: Hotan, Kashgar,
   Sinkiang, Ghulja) are replaced; legal forms (Co., Ltd., Company Limited, LLC, GmbH, Inc,
   S.A., ...) are removed with rigour's org-type table (``remove_org_types``); tone marks and
   accents are removed (Xīnjiāng -> xinjiang).
6. Pinyin spacing: neighbouring words that read entirely as pinyin are joined, legal forms in
   pinyin (youxian gongsi) cut off, and the letters split again into place names and words,
   so "XinjiangZhongtai", "Xinjiang Zhongtai", "xin jiang zhong tai" and 新疆中泰 all read
   ``xinjiang zhongtai``.
7. Chinese trade words after a brand, in characters or pinyin, are read in English
   (``TRADE_TERMS``: 化学 and huaxue -> chemical), keeping their characters; a name written
   twice, in characters and in English, is read once.
8. English words are folded (plural "s", co -> company, intl -> international, apparel ->
   garment; ``WORD_FORMS``, ``INDUSTRY_TERMS``) and "the", "and", "of" dropped.

How two names are compared (``pair_score``): each token has a weight. Words that say little
(place names at the front of a name, "company", "group", "industry") weigh little; in a
``Matcher`` each weight is also capped by the token's rarity across the listed entities (inverse
document frequency), so words shared by many listed entities count for little. The score is the
weighted share of tokens that match: exactly, as one word written as two, or, for Latin words,
with a small spelling difference or abbreviated ("Chem.") or cut off at the end. It is then
lowered when the names have *different* distinctive words, when a name's most distinctive word
is missing from the other, when they open with different places, or when the supplier has a
qualifier (bracketed, or a city after the brand) that the listed name lacks or has another.
A listed name's qualifier that the supplier simply leaves out weighs as a place: "Hoshine
Silicon Industry" is the less specific name of "Hoshine Silicon Industry (Shanshan)", not
another branch. Sister companies such as "Xinjiang Zhongtai Chemical" and "Xinjiang Zhongtai
Textile" share most of their name but not the part that tells them apart. A listed name that is
a short form of another name of its entity (the alias "Hoshine") matches a supplier that is that
name, but says nothing of the supplier's other words: "Hoshine Logistics" is judged by the full
name. A supplier in Chinese characters is compared with the entity's Chinese names when it has
any, since a romanisation cannot tell 中泰 from 忠泰.
See docs/screening.md for the thresholds and how they were measured.
"""

from __future__ import annotations

import heapq
import math
import re
import threading
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from pypinyin import Style, lazy_pinyin
from pypinyin.pinyin_dict import pinyin_dict
from rapidfuzz.distance import OSA
from rigour.names import remove_org_types, tokenize_name
from rigour.territories import lookup_territory

__all__ = [
    "ABBREVIATIONS",
    "LIKELY",
    "POSSIBLE",
    "ListedName",
    "Match",
    "Matcher",
    "normalise_company_name",
    "pair_score",
]

# Thresholds on the 0-1 score, chosen on benchmarks/screening_eval.csv (see docs/screening.md).
LIKELY = 0.85
POSSIBLE = 0.70

# Known abbreviations and other names for listed entities. Keys are compared after case folding
# (and, for Latin keys, after dots are removed, so "X.P.C.C." is "xpcc"). Aliases that a list
# publishes are used as well; this table is for names that lists do not spell out.
ABBREVIATIONS: dict[str, str] = {
    "xpcc": "xinjiang production and construction corps",
    "bingtuan": "xinjiang production and construction corps",
    "新疆生产建设兵团": "xinjiang production and construction corps",
    "xuar": "xinjiang uyghur autonomous region",
    "新疆维吾尔自治区": "xinjiang uyghur autonomous region",
}

# Chinese legal forms, longest first. rigour's org-type table knows these too, but it looks for
# them between word boundaries, which Han text does not have, so they are cut here.
HAN_LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "股份公司",
    "责任公司",
    "总公司",
    "公司",
)
_HAN_GROUP = "集团"


def _wordlist(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Provinces and regions: little weight wherever they stand outside brackets.
PROVINCES = _wordlist(
    """
    anhui aomen beijing chongqing fujian gansu guangdong guangxi guizhou hainan hebei
    heilongjiang henan hongkong hubei hunan jiangsu jiangxi jilin liaoning neimenggu ningxia
    qinghai shaanxi shandong shanghai shanxi sichuan taiwan tianjin xianggang xinjiang xizang
    yunnan zhejiang china
    """
)
# Cities and prefectures (Xinjiang's in full, elsewhere the large ones): little weight when they
# open a name, full weight elsewhere, where they usually mark a branch or subsidiary.
CITIES = _wordlist(
    """
    wulumuqi kelamayi tulufan hami changji boertala bayinguoleng akesu kezileisu kashi hetian
    yili tacheng aleitai shihezi alaer tumushuke wujiaqu beitun tiemenguan shuanghe kekedala
    kunyu huyanghe kuerlei kuche yining kuitun luopu moyu pishan yutian minfeng cele qiemo
    ruoqiang shache yecheng zepu bachu jiashi shufu shule wensu awati baicheng xinhe shaya
    wushi keping fukang manasi hutubi jimusaer qitai mulei shanshan tuokexun balikun
    shenzhen guangzhou hangzhou nanjing suzhou wuxi ningbo xiamen qingdao jinan wuhan changsha
    chengdu xian hefei zhengzhou shijiazhuang taiyuan huhehaote baotou shenyang dalian
    changchun haerbin fuzhou nanchang nanning haikou guiyang kunming lanzhou xining yinchuan
    lasa baoding jiaxing shaoxing wenzhou jinhua yiwu changzhou nantong yangzhou xuzhou
    dongguan foshan zhuhai shantou quanzhou jinjiang xuchang weifang yantai zibo tangshan
    """
)
# Other spellings of places, mapped to the reading pypinyin gives their Han names: the usual
# English names, Wade-Giles and postal romanisations, and the Uyghur names that English texts
# use. Only names that are not themselves pinyin for something else ("Sanji" for Changji is).
PLACE_VARIANTS: dict[str, str] = {
    # Xinjiang
    "sinkiang": "xinjiang",
    "urumqi": "wulumuqi",
    "urumchi": "wulumuqi",
    "kashgar": "kashi",
    "hotan": "hetian",
    "khotan": "hetian",
    "aksu": "akesu",
    "turpan": "tulufan",
    "turfan": "tulufan",
    "korla": "kuerlei",
    "kuerle": "kuerlei",
    "ili": "yili",
    "ghulja": "yining",
    "gulja": "yining",
    "kuldja": "yining",
    "kumul": "hami",
    "qumul": "hami",
    "karamay": "kelamayi",
    "altay": "aleitai",
    "altai": "aleitai",
    "aletai": "aleitai",  # pypinyin reads 阿勒泰 "aleitai"
    "kizilsu": "kezileisu",
    "kezilesu": "kezileisu",  # and 克孜勒苏 "kezileisu"
    "bortala": "boertala",
    "bayingolin": "bayinguoleng",
    "kuqa": "kuche",
    "yarkand": "shache",
    "lop": "luopu",
    "aral": "alaer",
    "alar": "alaer",
    "tumxuk": "tumushuke",
    "kokdala": "kekedala",
    "shanshan": "shanshan",
    "pichan": "shanshan",
    # Elsewhere
    "tibet": "xizang",
    "kwangtung": "guangdong",
    "chekiang": "zhejiang",
    "kiangsu": "jiangsu",
    "fukien": "fujian",
    "shantung": "shandong",
    "szechwan": "sichuan",
    "szechuan": "sichuan",
    "kweichow": "guizhou",
    "tientsin": "tianjin",
    "nanking": "nanjing",
    "peking": "beijing",
    "macau": "aomen",
    "macao": "aomen",
}
# Words about the kind or place of an organisation rather than its identity.
ADMIN_WORDS = _wordlist(
    "county city province prefecture district region autonomous uyghur municipality"
)
GENERIC_WORDS = _wordlist(
    """
    company corporation limited incorporated group holding industry enterprise international
    national chinese global
    """
)
# Weight of a token before rarity is considered.
_W_ADMIN = 0.1
_W_GENERIC = 0.2
_W_PLACE = 0.15

# English spellings folded together (after plural "s" is dropped).
WORD_FORMS: dict[str, str] = {
    "co": "company",
    "cos": "company",
    "corp": "corporation",
    "corps": "corps",  # not the plural of "corp": the Corps of the XPCC is not a corporation
    "inc": "incorporated",
    "ltd": "limited",
    "intl": "international",
    "tech": "technology",
    "mfg": "manufacturing",
    "industrial": "industry",
    "industrie": "industry",
    "holdings": "holding",
    "info": "information",
    "jituan": "group",
    "uygur": "uyghur",
    "uighur": "uyghur",
}
# English words that supplier lists use interchangeably for one Chinese industry term
# (服装 garment/apparel/clothing, 鞋业 shoes/footwear, 光伏 photovoltaic/solar/PV,
# 针织 knitting/knitwear, 贸易 trade/trading), folded to one spelling. Words for different
# trades stay apart even where they are close, because sister companies are told apart by
# them: textile (纺织) is not garment (服装), spinning (纺纱) is not textile, cotton is not yarn.
INDUSTRY_TERMS: dict[str, str] = {
    "apparel": "garment",
    "clothing": "garment",
    "footwear": "shoe",
    "photovoltaic": "solar",
    "pv": "solar",
    "knitwear": "knitting",
    "knit": "knitting",
    "trading": "trade",
}
# Chinese trade words and the English that supplier lists write for them. After a brand, Han
# text and its pinyin are read in English, so that an English supplier meets an entity listed
# only in Chinese: 新疆中泰化学, "Xinjiang Zhongtai Huaxue" and "Xinjiang Zhongtai Chemical" all
# read "xinjiang zhongtai chemical". A word read from this table keeps its Chinese term, so two
# Chinese names are still compared by character: 中泰化学 is not 中泰化工, though both are
# "Zhongtai Chemical" in English. Longer terms are read first (有色金属 before 金属).
TRADE_TERMS: dict[str, str] = {
    "化学": "chemical",
    "化工": "chemical",
    "纺织": "textile",
    "毛纺": "wool textile",
    "针织": "knitting",
    "纱线": "yarn",
    "棉纱": "cotton yarn",
    "棉业": "cotton",
    "服装": "garment",
    "服饰": "garment",  # apparel
    "鞋业": "shoe",
    "地毯": "carpet",
    "发制品": "hair product",
    "硅业": "silicon",
    "多晶硅": "polysilicon",
    "光伏": "solar",
    "新能源": "new energy",
    "能源": "energy",
    "材料": "material",
    "有色金属": "nonferrous metal",
    "金属": "metal",
    "电子": "electronics",
    "科技": "technology",
    "物流": "logistics",
    "贸易": "trade",
    "农业": "agriculture",
    "番茄": "tomato",
    "制品": "products",
    "实业": "industry",
}
STOPWORDS = frozenset({"the", "and", "of", "for"})
# English words in company names that could also be read as pinyin ("linen" as lin-en).
ENGLISH_WORDS = _wordlist(
    """
    linen line lines mine machine shine gene mega game name pine lane sun fan fans man pan can
    men pen tie die she tin pin ban mining jute rice tire
    """
)
# Words that end a company name as part of its legal form, left once rigour has removed the rest.
_TRAILING_LEGAL_WORDS = frozenset(
    {"co", "company", "corp", "corporation", "inc", "incorporated", "ltd", "limited"}
)
# Words a name cut off at a field length may end in a fragment of.
_TRUNCATED_ENDINGS = ("company", "limited", "ltd", "corporation", "incorporated", "group")

_FUZZY_MIN_LENGTH = 5  # non-pinyin words at least this long may differ by a typo
_FUZZY_MIN_SIMILARITY = 0.8
_SUBSTITUTION_PENALTY = 0.85  # both names have a distinctive word the other lacks
_REGION_PENALTY = 0.7  # the names open with different places
# The supplier has a qualifier the listed name lacks, or they differ: a branch is another
# registered company, as one under another region is.
_QUALIFIER_PENALTY = _REGION_PENALTY
_DISTINCTIVE = 0.45  # weight from which an unmatched token counts as distinctive
_GROUP_WORDS = frozenset({"group", "holding"})  # another company than the one they own
_MISSING_PENALTY = 0.85  # a name's most distinctive word is not in the other name
_ABBREVIATED_SIMILARITY = 0.9  # "Chem." for "Chemical", a name cut off in "Met"
_COUNTRY_PENALTY = 0.05
_CANDIDATES = 20  # listed names scored in full for each supplier

_HAN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_BRACKETS_RE = re.compile(r"[(\[{]([^()\[\]{}]*)[)\]}]")
_HAN_LEGAL_RE = re.compile("|".join(HAN_LEGAL_FORMS))


def _strip_marks(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return unicodedata.normalize(
        "NFC", "".join(c for c in decomposed if not unicodedata.combining(c))
    )


def _split_camel_case(text: str) -> str:
    """ "AksuRuitai" -> "Aksu Ruitai"; "GmbH" and "XPCC" stay whole."""
    out = []
    for i, char in enumerate(text):
        if (
            0 < i < len(text) - 1
            and char.isupper()
            and text[i - 1].islower()
            and text[i + 1].islower()
        ):
            out.append(" ")
        out.append(char)
    return "".join(out)


def _load_syllables() -> frozenset[str]:
    """Every toneless pinyin syllable that pypinyin knows, without the vowel-less interjections."""
    syllables = set()
    for readings in pinyin_dict.values():
        for reading in readings.split(","):
            syllable = _strip_marks(reading)
            if syllable.isascii() and any(v in syllable for v in "aeiouv"):
                syllables.add(syllable)
    return frozenset(syllables)


_SYLLABLES = _load_syllables()
_UNITS = PROVINCES | CITIES | {"jituan"}
_PIECES = _SYLLABLES | _UNITS
_MAX_PIECE = max(len(p) for p in _PIECES)
_PINYIN_LEGAL_SUFFIXES = tuple(
    sorted(
        {"".join(lazy_pinyin(form, style=Style.NORMAL)) for form in HAN_LEGAL_FORMS},
        key=len,
        reverse=True,
    )
)


@lru_cache(maxsize=65536)
def _segment(
    run: str, single_letters: bool = False, cuts: frozenset[int] | None = None
) -> tuple[str, ...] | None:
    """Split a string of Latin letters into pinyin syllables and place names, or None.

    The split with the fewest pieces wins, longer first pieces breaking ties, so the same
    letters always split the same way however the name was spaced. The one-letter syllables
    (a, e, o) are only used when the text had them (Han text, or "A La Er" written apart):
    otherwise too many English words would read as pinyin ("generale" as "gen e ra le").
    ``cuts``: where pieces may end, for letters read from Han text, whose syllables are known
    (辉光鞋业 is hui guang xie ye, not hui guangxi e ye).
    """
    if not run.isascii() or not run.isalpha():
        return None
    if len(run) == 1:
        return (run,) if run in _PIECES else None
    n = len(run)
    best: list[tuple[int, tuple[str, ...]] | None] = [None] * (n + 1)
    best[n] = (0, ())
    for start in range(n - 1, -1, -1):
        choice = None
        for length in range(min(_MAX_PIECE, n - start), 0, -1):
            piece = run[start : start + length]
            rest = best[start + length]
            if rest is None or piece not in _PIECES or (length == 1 and not single_letters):
                continue
            if cuts is not None and start + length not in cuts:
                continue
            if choice is None or rest[0] + 1 < choice[0]:
                choice = (rest[0] + 1, (piece, *rest[1]))
        best[start] = choice
    return best[0][1] if best[0] else None


@dataclass(frozen=True, slots=True)
class _Form:
    """A name read for comparison: tokens with their Han source and prior weights."""

    tokens: tuple[str, ...]
    han: tuple[str, ...]  # Han characters a token was read from, or ""
    prior: tuple[float, ...]
    word: tuple[bool, ...]  # a Latin word that is not pinyin: may be misspelt or abbreviated
    latin: tuple[bool, ...]  # Latin letters (a word or pinyin), not read from Han text
    region: frozenset[int]  # places that open (or, for provinces, close) the name
    qualifier: frozenset[int]  # distinctive tokens inside brackets, and branch cities
    places: frozenset[int]  # provinces and cities, wherever they stand
    script: str  # "han", "latin" or "mixed": how the name was written
    compact: str
    display: str
    plain: str
    notes: frozenset[str]


def _token_kind(token: str) -> str:
    if token in PROVINCES:
        return "province"
    if token in CITIES:
        return "city"
    if token in ADMIN_WORDS:
        return "admin"
    if token in GENERIC_WORDS:
        return "generic"
    return "word"


def _fold_word(token: str) -> str:
    if token in WORD_FORMS:
        return WORD_FORMS[token]
    if token in INDUSTRY_TERMS:
        return INDUSTRY_TERMS[token]
    if token.isalpha() and len(token) > 4 and token.endswith("ies"):
        token = token[:-3] + "y"
    elif (
        token.isalpha()
        and len(token) > 3
        and token.endswith("s")
        and not token.endswith(("ss", "us"))  # "nonferrous", "autonomous"
    ):
        token = token[:-1]
    if token.endswith("isation"):
        token = token[: -len("isation")] + "ization"
    token = WORD_FORMS.get(token, token)
    return INDUSTRY_TERMS.get(token, token)


def _trade_term_readings() -> dict[str, tuple[tuple[str, tuple[str, ...]], ...]]:
    """Each trade term's pinyin -> (characters, English words) of the terms read so."""
    readings: dict[str, list[tuple[str, tuple[str, ...]]]] = defaultdict(list)
    for characters, english in TRADE_TERMS.items():
        syllables = lazy_pinyin(characters, style=Style.NORMAL, v_to_u=True)
        letters = "".join(_strip_marks(s) for s in syllables)
        readings[letters].append((characters, tuple(_fold_word(w) for w in english.split())))
    return {letters: tuple(terms) for letters, terms in readings.items()}


_TRADE_READINGS = _trade_term_readings()
_TRADE_READING_LENGTHS = sorted({len(letters) for letters in _TRADE_READINGS}, reverse=True)


@lru_cache(maxsize=65536)
def _read_trade_terms(word: str, characters: str, after_brand: bool) -> tuple[tuple[str, str], ...]:
    """Read the trade terms at the end of a pinyin word in English ("zhongtaihuaxue" ->
    "zhongtai", "chemical"), each with its characters. ``characters`` are those the word was
    read from, "" for pinyin written in Latin letters. A word that is nothing but trade terms is
    read in English only after a brand: in "Xinjiang Fushi", Fushi is the brand."""
    if not (characters or (word not in ENGLISH_WORDS and _segment(word))):
        return ((word, characters),)
    terms: list[tuple[str, str]] = []
    while word and (found := _trailing_term(word, characters, after_brand)):
        letters, term, english = found
        terms[:0] = [(w, term) for w in english]
        word, characters = word[: -len(letters)], characters[: -len(term)]
    return (*([(word, characters)] if word else []), *terms)


def _trailing_term(
    word: str, characters: str, after_brand: bool
) -> tuple[str, str, tuple[str, ...]] | None:
    """The longest trade term that ends the word and leaves pinyin (or, after a brand, nothing)
    before it. Read from characters, the term must be written with its own (华学 is not 化学)."""
    for length in _TRADE_READING_LENGTHS:
        letters, rest = word[-length:], word[:-length]
        terms = _TRADE_READINGS.get(letters, ()) if len(letters) == length else ()
        if not terms or not (_segment(rest, True) if rest else after_brand):
            continue
        for term, english in terms:
            if not characters or characters.endswith(term):
                return letters, term, english
    return None


def _syllable_bounds(han: str) -> list[tuple[int, int]]:
    """Where each character's syllable starts and ends in the pinyin letters of ``han``."""
    bounds, offset = [], 0
    for syllable in lazy_pinyin(han, style=Style.NORMAL, v_to_u=True) if han else []:
        length = len(_strip_marks(syllable))
        bounds.append((offset, offset + length))
        offset += length
    return bounds


def _read_pinyin_run(
    run: str, han: str, notes: set[str], single_letters: bool = False
) -> list[tuple[str, str]]:
    """Turn a run of pinyin letters (with the Han characters it came from) into tokens."""
    single_letters = single_letters or bool(han)
    for suffix in _PINYIN_LEGAL_SUFFIXES:
        if (
            run.endswith(suffix)
            and len(run) > len(suffix)
            and _segment(run[: -len(suffix)], single_letters)
        ):
            run = run[: -len(suffix)]
            notes.add("legal_form")
            break
    bounds = _syllable_bounds(han)
    cuts = frozenset(end for _, end in bounds) if han else None
    pieces = _segment(run, single_letters, cuts) or (run,)
    # Syllables between place names form one word again ("zhong tai" -> "zhongtai"), so that
    # word order within a brand counts: Xinbao is not Baoxin.
    words: list[str] = []
    for piece, previous in zip(pieces, (None, *pieces[:-1]), strict=True):
        if piece in _UNITS or previous is None or previous in _UNITS:
            words.append(piece)
        else:
            words[-1] += piece
    if not han:
        return [(WORD_FORMS.get(w, w), "") for w in words]
    # Map each word back to the characters whose syllables it covers.
    out, offset = [], 0
    for word in words:
        end = offset + len(word)
        chars = "".join(c for c, (s, e) in zip(han, bounds, strict=True) if s < end and e > offset)
        out.append((WORD_FORMS.get(word, word), chars))
        offset = end
    return out


try:  # PyICU is pinned in requirements/main.txt; without it traditional characters stay as written
    import icu

    _TRADITIONAL = icu.Transliterator.createInstance("Traditional-Simplified")
except ImportError:  # pragma: no cover
    _TRADITIONAL = None
_TRADITIONAL_LOCK = threading.Lock()  # an ICU transliterator is not safe to share unlocked


@lru_cache(maxsize=65536)
def _simplified(text: str) -> str:
    if _TRADITIONAL is None:  # pragma: no cover
        return text
    with _TRADITIONAL_LOCK:
        return _TRADITIONAL.transliterate(text)


def _read_han(text: str, notes: set[str]) -> list[tuple[str, str]]:
    notes.add("han")
    if _HAN_LEGAL_RE.search(text):
        notes.add("legal_form")
        text = _HAN_LEGAL_RE.sub(" ", text)
    out: list[tuple[str, str]] = []
    for part_index, part in enumerate(text.split(_HAN_GROUP)):
        if part_index:
            out.append(("group", _HAN_GROUP))
        for chunk in part.split():
            syllables = [
                _strip_marks(s) for s in lazy_pinyin(chunk, style=Style.NORMAL, v_to_u=True)
            ]
            if all(s.isascii() and s.isalpha() for s in syllables):
                out.extend(_read_pinyin_run("".join(syllables), chunk, notes))
            else:  # characters pypinyin cannot read: compare them as they are
                out.extend((c, c) for c in chunk)
    return out


def _is_pinyin(word: str) -> bool:
    return (
        word not in STOPWORDS
        and word not in ENGLISH_WORDS
        and _segment(word, len(word) == 1) is not None
    )


# English trade words (TRADE_TERMS and INDUSTRY_TERMS) and company words a name written without
# spaces may end in.
_TRADE_WORDS = frozenset(
    _fold_word(word)
    for phrase in (*TRADE_TERMS.values(), *INDUSTRY_TERMS, *INDUSTRY_TERMS.values())
    for word in phrase.split()
)
_COMPANY_WORDS = GENERIC_WORDS | {"technology", "manufacturing", "information"}
_COMPANY_PLURALS = ("industries", "companies", "holdings", "enterprises", "groups")


def _plural(word: str) -> str:
    if word.endswith("s"):
        return word
    return word[:-1] + "ies" if word.endswith("y") else word + "s"


def _run_together_words() -> dict[str, tuple[str, ...]]:
    """Each trade word or phrase (with its plural) and company word as it is written without
    spaces, with the words it stands for ("hairproducts" -> "hair", "products")."""
    words: dict[str, tuple[str, ...]] = {w: (w,) for w in (*_COMPANY_WORDS, *_COMPANY_PLURALS)}
    words["coltd"] = ("co", "ltd")
    for phrase in {*TRADE_TERMS.values(), *INDUSTRY_TERMS, *INDUSTRY_TERMS.values()}:
        *first, last = phrase.split()
        for form in (last, _plural(last)):
            words["".join(first) + form] = (*first, form)
    return {run: split for run, split in words.items() if len(run) >= 4}


_RUN_TOGETHER_WORDS = _run_together_words()
_LONGEST_RUN_TOGETHER_WORD = max(map(len, _RUN_TOGETHER_WORDS))
_RUN_TOGETHER_MIN = 8  # shorter words are left as written
_PLACE_PREFIXES = tuple(sorted(PLACE_VARIANTS, key=len, reverse=True))


@lru_cache(maxsize=65536)
def _split_run_together(word: str) -> tuple[str, ...]:
    """Split a name written without spaces ("aksuhuafutextiles", "zhongtaichemical",
    "hoshinesiliconindustry") into its words, or leave it whole.

    Trade and company words are taken off the end, and one of them must be a trade word
    ("citigroup" stays whole). What is left must read as pinyin, perhaps after another spelling
    of a place ("aksu" + "huafu", which is split with no trade word too), or, once two or more
    words have been taken off, be a brand of four letters or more ("hoshine"). One trade word
    after letters that are not pinyin is not enough: "petrochemical" and "geotextiles" stay
    whole.
    """
    if len(word) < _RUN_TOGETHER_MIN or not (word.isascii() and word.isalpha()):
        return (word,)
    if word in _RUN_TOGETHER_WORDS or word in ENGLISH_WORDS or _is_pinyin(word):
        return (word,)
    taken: list[str] = []
    rest = word
    while rest and (found := _trailing_run_together_word(rest)):
        taken[:0] = _RUN_TOGETHER_WORDS[found]
        rest = rest[: -len(found)]
    front = _read_run_together_front(rest)
    if not taken:
        return front if front is not None and len(front) == 2 else (word,)
    if not any(_fold_word(w) in _TRADE_WORDS for w in taken):
        return (word,)
    if front is None and len(taken) >= 2 and len(rest) >= 4:
        front = (rest,)
    return (word,) if front is None else (*front, *taken)


def _trailing_run_together_word(text: str) -> str | None:
    """The longest trade or company word that ends the text."""
    for length in range(min(_LONGEST_RUN_TOGETHER_WORD, len(text)), 3, -1):
        if text[-length:] in _RUN_TOGETHER_WORDS:
            return text[-length:]
    return None


def _read_run_together_front(text: str) -> tuple[str, ...] | None:
    """The words before the trade words: nothing, pinyin, or a place's other spelling and
    pinyin ("aksuhuafu"). None when they read as neither."""
    if not text:
        return ()
    if _is_pinyin(text):
        return (text,)
    for place in _PLACE_PREFIXES:
        rest = text[len(place) :]
        if text.startswith(place) and len(rest) >= 4 and _is_pinyin(rest):
            return place, rest
    return None


def _read_latin(text: str, notes: set[str], follows_name: bool = False) -> list[tuple[str, str]]:
    """Read Latin text; ``follows_name`` when it comes after other parts of the name, as the
    "Co., Ltd." after "Hoshine Silicon Industry (Shanshan)" does."""
    # Accents stay on until rigour has looked for legal forms ("beschränkter Haftung"); pinyin
    # words lose their tone marks at once.
    words = tokenize_name(text.replace("&", " and "))
    # "A B C" -> "abc", as rigour already does for "A.B.C."
    merged: list[str] = []
    letters = False  # the last merged word is a run of single letters
    for word in (piece for written in words for piece in _split_run_together(written)):
        single = len(word) == 1 and word.isalpha()
        if single and letters:
            merged[-1] += word
        else:
            merged.append(word)
        letters = single
    expanded: list[str] = []
    for word in merged:
        plain = _strip_marks(word)
        if plain in ABBREVIATIONS:
            notes.add(f"abbreviation:{plain.upper()}")
            expanded.extend(ABBREVIATIONS[plain].split())
        elif plain in PLACE_VARIANTS:
            expanded.append(PLACE_VARIANTS[plain])
        else:
            expanded.append(word)
    # Glue neighbouring pinyin words so that rigour's legal-form table cannot take a syllable
    # such as "yu" or "ao" out of the middle of a name, and so that spacing does not matter.
    glued: list[str] = []
    singles: set[str] = set()  # glued runs that had a one-letter syllable written alone
    run_length = 0
    previous = ""
    for word in expanded:
        plain = _strip_marks(word)
        # A syllable in a run of syllables written apart is pinyin even when it is also an
        # English word: the "Fan" and "Pin" of "Chang Ji Hua Yuan Fan Qie Zhi Pin".
        spelt_apart = bool(run_length) and previous in _SYLLABLES and plain in _SYLLABLES
        previous = plain
        if _is_pinyin(plain) or spelt_apart:
            if plain != word:
                notes.add("marks")
            if run_length:
                glued[-1] += plain
                notes.add("spacing")
            else:
                glued.append(plain)
            if len(plain) == 1 or glued[-1][: -len(plain)] in singles:
                singles.add(glued[-1])
            run_length += 1
        else:
            glued.append(word)
            run_length = 0
    cleaned = remove_org_types(" ".join(glued)).split()
    if not cleaned and not follows_name:
        cleaned = glued  # a name that is nothing but a legal form is kept as written
    # rigour leaves the "Company" of "Company Limited" and a lone "Co." or "Corp." at the end.
    keep = 0 if follows_name else 1
    while len(cleaned) > keep and _strip_marks(cleaned[-1]) in _TRAILING_LEGAL_WORDS:
        cleaned.pop()
    if cleaned != glued:
        notes.add("legal_form")
    out: list[tuple[str, str]] = []
    for word in cleaned:
        plain = _strip_marks(word)
        if plain in STOPWORDS:
            continue
        if plain != word:
            notes.add("marks")
        single = word in singles
        if plain not in ENGLISH_WORDS and _segment(plain, single) is not None:
            out.extend(_read_pinyin_run(plain, "", notes, single))
        else:
            folded = _fold_word(plain)
            if folded in INDUSTRY_TERMS.values() and folded != plain.rstrip("s"):
                notes.add(f"term:{plain}={folded}")
            out.append((folded, ""))
    return out


@lru_cache(maxsize=131072)
def _analyse(name: str) -> _Form:
    notes: set[str] = set()
    text = _split_camel_case(unicodedata.normalize("NFKC", name or "")).casefold()
    plain = " ".join(text.split())
    if _HAN_RE.search(text):
        simplified = _simplified(text)
        if simplified != text:
            notes.add("traditional")
            text = simplified
    for key, expansion in ABBREVIATIONS.items():
        if not key.isascii() and key in text:
            text = text.replace(key, f" {expansion} ")
            notes.add(f"abbreviation:{key}")
    chunks: list[tuple[str, bool]] = []
    position = 0
    for bracket in _BRACKETS_RE.finditer(text):
        chunks.append((text[position : bracket.start()], False))
        chunks.append((bracket.group(1), True))
        position = bracket.end()
    chunks.append((text[position:], False))

    tokens: list[str] = []
    han: list[str] = []
    in_brackets: list[bool] = []
    chunk_of: list[int] = []
    scripts: set[str] = set()
    # A Chinese company name is place, brand, trade: a brand has been read once a word that is
    # not a place or a generic word has, or a second place, which must then be the brand
    # (和田锦华服饰: Jinhua, though a city, is the brand of Hotan's Jinhua Apparel).
    after_brand = False
    places_read = 0
    for chunk_index, (chunk, bracketed) in enumerate(chunks):
        chunk = re.sub(r"[()\[\]{}]", " ", chunk)
        for piece in re.split(f"({_HAN_RE.pattern})", chunk):
            if not piece.strip():
                continue
            if _HAN_RE.fullmatch(piece):
                read = _read_han(piece, notes)
                scripts.add("han")
            else:
                read = _read_latin(piece, notes, follows_name=bool(tokens))
                scripts.add("latin")
            for token, source in read:
                terms = _read_trade_terms(token, source, after_brand)
                if len(terms) > 1 or terms[0][0] != token:
                    notes.add("trade_terms")
                for term, characters in terms:
                    tokens.append(term)
                    han.append(characters)
                    in_brackets.append(bracketed)
                    chunk_of.append(chunk_index)
                    kind = _token_kind(term)
                    places_read += kind in ("province", "city")
                    after_brand = after_brand or kind == "word" or places_read >= 2

    # "Xinjiang Bingtuan" -> "xinjiang xinjiang production ...": a word said twice in a row.
    keep = [i for i in range(len(tokens)) if i == 0 or tokens[i] != tokens[i - 1]]
    # "吐鲁番宏达棉业 Turpan Hongda Cotton": a name written twice, in characters and in English.
    half = len(keep) // 2
    if half and [tokens[i] for i in keep[:half]] == [tokens[i] for i in keep[half:]]:
        keep = keep[:half]
    tokens, han = [tokens[i] for i in keep], [han[i] for i in keep]
    in_brackets, chunk_of = [in_brackets[i] for i in keep], [chunk_of[i] for i in keep]
    # "XPCC (Xinjiang Production and Construction Corps)": brackets that only repeat the name.
    outside = {t for t, b in zip(tokens, in_brackets, strict=True) if not b}
    if (
        any(in_brackets)
        and outside
        and all(t in outside for t, b in zip(tokens, in_brackets, strict=True) if b)
    ):
        keep = [i for i, b in enumerate(in_brackets) if not b]
        tokens = [tokens[i] for i in keep]
        han = [han[i] for i in keep]
        chunk_of = [chunk_of[i] for i in keep]
        in_brackets = [False] * len(keep)
    kinds = [_token_kind(t) for t in tokens]
    # A place named a second time is part of an address ("... Co., Ltd. (Aksu, Xinjiang)"),
    # and so are the other places written with it.
    places = [i for i, kind in enumerate(kinds) if kind in ("province", "city")]
    address_chunks = {
        chunk_of[i] for i in places if any(tokens[k] == tokens[i] for k in places if k < i)
    }
    address = {i for i in places if chunk_of[i] in address_chunks}
    # Places that open the name (and provinces that close it) are its region prefix.
    region: set[int] = set()
    for i, kind in enumerate(kinds):
        if in_brackets[i] or kind not in ("province", "city", "admin"):
            break
        if kind != "admin":
            region.add(i)
    for i in range(len(tokens) - 1, -1, -1):
        if in_brackets[i] or kinds[i] not in ("province", "admin"):
            break
        if kinds[i] == "province":
            region.add(i)
    region -= address
    prior: list[float] = []
    for i, kind in enumerate(kinds):
        if kind == "admin":
            prior.append(_W_ADMIN)
        elif kind == "generic":
            prior.append(_W_GENERIC)
        elif (kind == "province" and not in_brackets[i]) or i in region or i in address:
            prior.append(_W_PLACE)
        else:
            prior.append(1.0)
    # A city after the name's opening places marks a branch as brackets do ("Xinjiang Zhongtai
    # Chemical Fukang Energy" is Zhongtai Chemical's company in Fukang).
    qualifier = {
        i for i in range(len(tokens)) if prior[i] >= 1.0 and (in_brackets[i] or kinds[i] == "city")
    }
    latin = tuple(t.isalpha() and t.isascii() and not h for t, h in zip(tokens, han, strict=True))
    # English words, whether written so or read from a Chinese trade term.
    word = tuple(
        t.isascii() and t.isalpha() and (t in ENGLISH_WORDS or _segment(t) is None) for t in tokens
    )
    return _Form(
        tokens=tuple(tokens),
        han=tuple(han),
        prior=tuple(prior),
        word=word,
        latin=latin,
        region=frozenset(region),
        qualifier=frozenset(qualifier),
        places=frozenset(places),
        script=scripts.pop() if len(scripts) == 1 else "mixed",
        compact="".join(tokens),
        display=" ".join(tokens),
        plain=plain,
        notes=frozenset(notes),
    )


@lru_cache(maxsize=65536)
def _joined_tokens(tokens: tuple[str, ...]) -> dict[str, tuple[tuple[int, int], ...]]:
    """Two or three neighbouring tokens written as one -> (start, size), two before three."""
    joined: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for size in (2, 3):
        for start in range(len(tokens) - size + 1):
            joined["".join(tokens[start : start + size])].append((start, size))
    return {run: tuple(places) for run, places in joined.items()}


def normalise_company_name(name: str) -> str:
    """The comparable form of a company name: lower case, legal forms removed, Han text read
    as pinyin, pinyin spacing made regular. Two names with the same form match fully."""
    return _analyse(name).display


@dataclass(frozen=True)
class ListedName:
    """One name or alias of a listed entity."""

    entity_id: int | str
    name: str  # as listed: English, pinyin or Chinese characters
    is_alias: bool
    country: str = ""  # ISO code or country name (several separated by ";" or ","), may be ""


@dataclass(frozen=True)
class Match:
    """The best listed name for a supplier, with why it matched."""

    entity_id: int | str
    listed_name: str
    is_alias: bool
    score: float
    band: str  # "likely", "possible" or "none"
    supplier_form: str
    listed_form: str
    reason: str


def _same_name_reason(a: _Form, b: _Form) -> str:
    if a.plain == b.plain:
        return "same name"
    notes = (a.notes ^ b.notes) | (a.notes & b.notes & {"legal_form"})
    parts = []
    abbreviations = sorted(n.split(":", 1)[1] for n in a.notes ^ b.notes if n.startswith("abbr"))
    if abbreviations:
        parts.append("known abbreviation " + ", ".join(abbreviations))
    if "han" in notes:
        parts.append("Chinese characters read as pinyin")
    if "traditional" in notes:
        parts.append("traditional characters read as simplified")
    if "marks" in notes:
        parts.append("tone marks and accents ignored")
    if "legal_form" in notes:
        parts.append("legal forms removed")
    if "spacing" in notes:
        parts.append("pinyin spacing ignored")
    if "trade_terms" in notes:
        parts.append("Chinese trade words read in English")
    terms = sorted(n.split(":", 1)[1].replace("=", " = ") for n in notes if n.startswith("term:"))
    if terms:
        parts.append("same trade in other words (" + ", ".join(terms) + ")")
    if not parts:
        return "same name once punctuation and spacing are ignored"
    if parts == ["legal forms removed"]:
        return "same name once legal forms are removed"
    return "same name: " + "; ".join(parts)


@dataclass(frozen=True, slots=True)
class _Role:
    """What a listed name is among its entity's names, as far as matching is concerned."""

    # Its distinctive words are some of another name's ("Hoshine" of "Hoshine Silicon Industry
    # (Shanshan) Co. Ltd"). It vouches for a supplier that is that name, but not for the
    # supplier's other words: "Hoshine Logistics" or "Jinyuan Textile" are judged by the
    # entity's full name, or a one-word alias would make every sister company a match.
    short_form: bool = False
    # It is in Latin letters and the entity has a name in Chinese characters: for a supplier in
    # characters that name decides, since a romanisation cannot tell 中泰 from its homophone 忠泰.
    romanised: bool = False


_ANY_NAME = _Role()


def _roles(forms: Sequence[_Form]) -> list[_Role]:
    """The role of each of one entity's names."""
    words = [
        frozenset(t for t, p in zip(f.tokens, f.prior, strict=True) if p >= _DISTINCTIVE)
        for f in forms
    ]
    has_han = any(f.script != "latin" for f in forms)
    return [
        _Role(
            short_form=bool(mine) and any(mine < other for other in words),
            romanised=has_han and form.script == "latin",
        )
        for form, mine in zip(forms, words, strict=True)
    ]


def _compare(
    a: _Form,
    wa: Sequence[float],
    b: _Form,
    wb: Sequence[float],
    explain: bool = False,
    role: _Role = _ANY_NAME,
) -> tuple[float, str]:
    """Score two read names from 0 to 1 and, when asked, say why. ``role``: what the listed
    name is among its entity's names."""
    if not a.tokens or not b.tokens:
        return 0.0, "nothing to compare"
    if role.romanised and a.script == "han":
        return 0.0, "a supplier in Chinese characters is compared with the entity's Chinese name"
    if a.compact == b.compact and all(
        not x or not y or x == y for x, y in zip(a.han, b.han, strict=False)
    ):
        return 1.0, _same_name_reason(a, b) if explain else ""

    free_b: dict[str, list[int]] = defaultdict(list)
    for j, token in enumerate(b.tokens):
        free_b[token].append(j)
    matched_a: dict[int, float] = {}
    matched_b: dict[int, float] = {}
    for i, token in enumerate(a.tokens):
        for j in free_b.get(token, ()):
            if j not in matched_b and (not a.han[i] or not b.han[j] or a.han[i] == b.han[j]):
                matched_a[i] = matched_b[j] = 1.0
                break
    ignored_a: set[int] = set()
    ignored_b: set[int] = set()
    shortened: list[int] = []
    if len(matched_a) < len(a.tokens) or len(matched_b) < len(b.tokens):
        _match_split_words(a, b, matched_a, matched_b)
        _match_split_words(b, a, matched_b, matched_a)
        _match_misspelt_words(a, b, matched_a, matched_b)
        shortened.append(_match_shortened_words(a, b, matched_a, matched_b, ignored_a))
        shortened.append(_match_shortened_words(b, a, matched_b, matched_a, ignored_b))

    if role.short_form and _adds_words(a, matched_a, ignored_a):
        return 0.0, "a short form of the listed name; the supplier has words it does not vouch for"
    left_out = _left_out_qualifier(a, b, matched_a, matched_b, ignored_a)
    if left_out:
        wb = [_W_PLACE if j in left_out else w for j, w in enumerate(wb)]
    total = sum(wa) + sum(wb) - sum(wa[i] for i in ignored_a) - sum(wb[j] for j in ignored_b)
    if total <= 0:
        return 0.0, "nothing to compare"
    score = (
        sum(wa[i] * s for i, s in matched_a.items()) + sum(wb[j] * s for j, s in matched_b.items())
    ) / total
    distinct_a = _own_words(a, matched_a, ignored_a)
    distinct_b = _own_words(b, matched_b, ignored_b | left_out)
    substituted = bool(distinct_a and distinct_b)
    if substituted:
        score *= _SUBSTITUTION_PENALTY
    missing = _lacks_key_word(wa, matched_a, ignored_a) or _lacks_key_word(wb, matched_b, ignored_b)
    if missing:
        score *= _MISSING_PENALTY
    other_region = bool(a.region and b.region and not any(i in matched_a for i in a.region))
    if other_region:
        score *= _REGION_PENALTY
    qualified = bool(a.qualifier - matched_a.keys() or b.qualifier - matched_b.keys() - left_out)
    if qualified:
        score *= _QUALIFIER_PENALTY
    score = round(min(max(score, 0.0), 1.0), 4)
    if not explain:
        return score, ""

    reasons: list[str] = []
    abbreviations = sorted(n.split(":", 1)[1] for n in a.notes ^ b.notes if n.startswith("abbr"))
    if abbreviations:
        reasons.append("known abbreviation " + ", ".join(abbreviations))
    if len(matched_a) + len(ignored_a) == len(a.tokens) and len(matched_b) + len(ignored_b) == len(
        b.tokens
    ):
        if any(shortened) or ignored_a or ignored_b:
            reasons.append("same words, some abbreviated or cut off")
        elif min(matched_a.values()) < 1.0:
            reasons.append("same words with a small spelling difference")
        else:
            reasons.append("same words in a different order or spacing")
    else:
        shared = [a.tokens[i] for i in sorted(matched_a) if wa[i] >= _DISTINCTIVE]
        reasons.append("shares " + " ".join(shared) if shared else "shares only common words")
        if distinct_a or distinct_b:
            reasons.append(
                "differs: "
                + (" ".join(a.tokens[i] for i in distinct_a) or "-")
                + " / "
                + (" ".join(b.tokens[j] for j in distinct_b) or "-")
            )
        else:
            reasons.append("the other words are common ones")
    if other_region:
        reasons.append(
            "different place at the start ("
            + " ".join(a.tokens[i] for i in sorted(a.region))
            + " / "
            + " ".join(b.tokens[j] for j in sorted(b.region))
            + ")"
        )
    if missing:
        reasons.append("a name's most distinctive word is missing from the other")
    if qualified:
        reasons.append("qualifier (bracketed, or a branch's city) on one side only, or different")
    elif left_out:
        reasons.append("the listed name's qualifier left out")
    return score, "; ".join(reasons)


def _own_words(form: _Form, matched: dict[int, float], ignored: set[int]) -> list[int]:
    """The name's distinctive words that found no partner. A word is distinctive by its kind,
    however many listed names share it: "Tongda Yarn" and "Tongda Shoes" differ in their trade
    even where every list has yarn and shoe companies. "Group" and "holding" count too, though
    they weigh little: "Xinjiang Zhongtai Group" is the group, not its Zhongtai Chemical."""
    return [
        i
        for i, token in enumerate(form.tokens)
        if i not in matched
        and i not in ignored
        and (form.prior[i] >= _DISTINCTIVE or token in _GROUP_WORDS)
    ]


def _left_out_qualifier(
    a: _Form,
    b: _Form,
    matched_a: dict[int, float],
    matched_b: dict[int, float],
    ignored_a: set[int],
) -> set[int]:
    """The listed name's bracketed qualifier, when the supplier is the same name without it
    ("Hoshine Silicon Industry" for "Hoshine Silicon Industry (Shanshan)"). Such a supplier is
    the less specific name rather than another branch, and the qualifier then weighs as a place
    prefix left out does. Nothing is left out when the supplier has a qualifier of its own, or
    a place or distinctive word that the listed name lacks: "Hoshine Silicon (Jiaxing)" and
    "Jiaxing Hoshine Silicon" are other branches."""
    if a.qualifier or not b.qualifier or _adds_words(a, matched_a, ignored_a):
        return set()
    return set(b.qualifier) - matched_b.keys()


def _adds_words(a: _Form, matched_a: dict[int, float], ignored_a: set[int]) -> bool:
    """The supplier has a place or a distinctive word (by its own weight, whatever its rarity)
    that found no partner."""
    return any(
        i not in matched_a and i not in ignored_a and (i in a.places or a.prior[i] >= _DISTINCTIVE)
        for i in range(len(a.tokens))
    )


def _lacks_key_word(weights: Sequence[float], matched: dict[int, float], ignored: set[int]) -> bool:
    """The name's most distinctive word (highest weight) found no partner in the other name."""
    if not weights:
        return False
    top = max(weights)
    if top < _DISTINCTIVE:
        return False
    return not any(w == top and (i in matched or i in ignored) for i, w in enumerate(weights))


def _match_shortened_words(
    x: _Form, y: _Form, matched_x: dict[int, float], matched_y: dict[int, float], ignored: set[int]
) -> int:
    """Abbreviated words ("Chem." for "Chemical") and names cut off at a field length.
    Returns how many words of ``x`` it matched."""
    count = 0
    last = len(x.tokens) - 1
    for i, token in enumerate(x.tokens):
        # The last token may be a cut-off word that happens to read as pinyin ("... and Lin").
        if i in matched_x or not (x.word[i] or (i == last and x.latin[i])):
            continue
        if len(token) >= 3:
            for j, other in enumerate(y.tokens):
                if (
                    j not in matched_y
                    and y.word[j]
                    and len(other) > len(token)
                    and other.startswith(token)
                ):
                    matched_x[i] = matched_y[j] = _ABBREVIATED_SIMILARITY
                    count += 1
                    break
        elif (
            # A fragment of one or two letters at the very end: "... Co Lt", "... Material T".
            i == last
            and i > 0
            and (
                any(w.startswith(token) for w in _TRUNCATED_ENDINGS)
                or any(
                    y.word[j] and j not in matched_y and other.startswith(token)
                    for j, other in enumerate(y.tokens)
                )
            )
        ):
            ignored.add(i)
    return count


def _match_split_words(
    x: _Form, y: _Form, matched_x: dict[int, float], matched_y: dict[int, float]
) -> None:
    """A word written as one on one side and as two or three on the other ("goodwill",
    "good will")."""
    for i, token in enumerate(x.tokens):
        if i in matched_x or len(token) < 5:
            continue
        for start, size in _joined_tokens(y.tokens).get(token, ()):
            if not any(k in matched_y for k in range(start, start + size)):
                matched_x[i] = 1.0
                for k in range(start, start + size):
                    matched_y[k] = 1.0
                break


def _match_misspelt_words(
    a: _Form, b: _Form, matched_a: dict[int, float], matched_b: dict[int, float]
) -> None:
    """Small spelling differences in longer words ("Chemcial", "Hoshin"). Two pinyin words
    never count as misspelt (Hongfa is not Hongfu); a misspelt pinyin word usually stops being
    pinyin ("Zhongtia") and may match."""
    for i, token in enumerate(a.tokens):
        if i in matched_a or not a.latin[i] or len(token) < _FUZZY_MIN_LENGTH:
            continue
        best_j, best_sim = -1, _FUZZY_MIN_SIMILARITY
        for j, other in enumerate(b.tokens):
            if j in matched_b or not b.latin[j] or len(other) < _FUZZY_MIN_LENGTH:
                continue
            if not a.word[i] and not b.word[j]:
                continue
            sim = OSA.normalized_similarity(token, other)
            if sim >= best_sim - 1e-9:
                best_j, best_sim = j, sim
        if best_j >= 0:
            matched_a[i] = matched_b[best_j] = best_sim


def pair_score(supplier: str, listed: str | Sequence[str]) -> float:
    """Score a supplier name against one listed name (or all names of one entity), 0 to 1.

    Without a list to learn from, only the built-in weights apply (places, generic words);
    ``Matcher.pair_score`` also weighs tokens by their rarity across the listed names.
    """
    names = [listed] if isinstance(listed, str) else list(listed)
    a = _analyse(supplier)
    forms = [_analyse(name) for name in names]
    return max(
        (
            _compare(a, a.prior, b, b.prior, role=role)[0]
            for b, role in zip(forms, _roles(forms), strict=True)
        ),
        default=0.0,
    )


@lru_cache(maxsize=1024)
def _country_codes(value: str) -> frozenset[str]:
    """ISO codes for "CN", "China", "cn;hk" or "China, Hong Kong" (unknown names kept as they
    are, case folded)."""
    codes = set()
    for part in re.split(r"[;,|/]", value or ""):
        part = part.strip()
        if part:
            territory = lookup_territory(part)
            codes.add(territory.code if territory is not None else part.casefold())
    return frozenset(codes)


class Matcher:
    """Screens supplier names against a fixed set of listed names.

    Building reads every listed name once and indexes its tokens; ``best`` then only scores the
    listed names that share enough weight with the supplier to possibly reach "possible".
    """

    def __init__(
        self,
        names: Iterable[ListedName],
        *,
        likely: float = LIKELY,
        possible: float = POSSIBLE,
    ) -> None:
        if not 0 < possible <= likely <= 1:
            raise ValueError("thresholds must satisfy 0 < possible <= likely <= 1")
        self.likely = likely
        self.possible = possible
        self._names: list[ListedName] = list(names)
        self._forms: list[_Form] = [_analyse(n.name) for n in self._names]
        self._idf = self._rarity()
        self._weights = [self._weigh(form) for form in self._forms]
        self._totals = [sum(w) for w in self._weights]
        self._token_weights = [
            dict(zip(form.tokens, weights, strict=True))
            for form, weights in zip(self._forms, self._weights, strict=True)
        ]
        self._min_total = min(self._totals, default=0.0)
        self._postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self._by_compact: dict[str, list[int]] = defaultdict(list)
        self._variants: dict[str, set[str]] = defaultdict(set)
        for index, (form, weights) in enumerate(zip(self._forms, self._weights, strict=True)):
            if form.compact:
                self._by_compact[form.compact].append(index)
            seen = set()
            for token, weight, latin in zip(form.tokens, weights, form.latin, strict=True):
                if token not in seen:
                    self._postings[token].append((index, weight))
                    seen.add(token)
                if latin and len(token) >= _FUZZY_MIN_LENGTH:
                    for variant in _deletions(token):
                        self._variants[variant].add(token)
        self._country = [_country_codes(n.country) for n in self._names]
        self._roles = self._find_roles()
        _country_codes("China")  # loads rigour's territory names now rather than mid-screen
        self._cache: dict[tuple[str, str], Match | None] = {}

    def _rarity(self) -> dict[str, float]:
        """Inverse document frequency of each token, counted over entities rather than names:
        an entity listed with aliases ("Hoshine Silicon Industry ...", "Hoshine") must not make
        its own brand look common."""
        tokens_of: dict[int | str, set[str]] = defaultdict(set)
        for listed, form in zip(self._names, self._forms, strict=True):
            tokens_of[listed.entity_id].update(form.tokens)
        document_frequency: dict[str, int] = defaultdict(int)
        for tokens in tokens_of.values():
            for token in tokens:
                document_frequency[token] += 1
        count = max(len(tokens_of), 1)
        scale = math.log(count + 1)
        return {
            token: min(1.0, max(0.05, math.log((count + 1) / df) / scale))
            for token, df in document_frequency.items()
        }

    def _find_roles(self) -> list[_Role]:
        indexes_of: dict[int | str, list[int]] = defaultdict(list)
        for index, listed in enumerate(self._names):
            indexes_of[listed.entity_id].append(index)
        roles = [_ANY_NAME] * len(self._names)
        for indexes in indexes_of.values():
            for index, role in zip(indexes, _roles([self._forms[i] for i in indexes]), strict=True):
                roles[index] = role
        return roles

    def _weigh(self, form: _Form) -> tuple[float, ...]:
        return tuple(
            min(prior, self._idf.get(token, 1.0))
            for token, prior in zip(form.tokens, form.prior, strict=True)
        )

    def _similar(self, token: str) -> set[str]:
        found: set[str] = set()
        for variant in _deletions(token):
            found |= self._variants.get(variant, set())
        return {
            t for t in found if OSA.normalized_similarity(token, t) >= _FUZZY_MIN_SIMILARITY - 1e-9
        }

    def _candidates(self, form: _Form, weights: Sequence[float]) -> list[int]:
        total = sum(weights)
        if total <= 0:
            return []
        remaining = total
        floor = self.possible * 0.85
        accumulated: dict[int, float] = defaultdict(float)
        order = sorted(range(len(form.tokens)), key=lambda k: -weights[k])
        probed = 0
        for i in order:
            # A listed name sharing none of the tokens probed so far scores at most this.
            if 2 * remaining / (total + max(remaining, self._min_total)) < floor:
                break
            token, weight = form.tokens[i], weights[i]
            postings = self._postings.get(token)
            if postings is not None:
                for index, other in postings:
                    accumulated[index] += weight + other
            elif form.latin[i] and len(token) >= _FUZZY_MIN_LENGTH:
                for similar in self._similar(token):
                    for index, other in self._postings[similar]:
                        accumulated[index] += 0.8 * (weight + other)
            remaining -= weight
            probed += 1
        if len(accumulated) > _CANDIDATES:
            # Too many to score in full: rank them on all of the supplier's tokens.
            for i in order[probed:]:
                token, weight = form.tokens[i], weights[i]
                for index in accumulated:
                    other = self._token_weights[index].get(token)
                    if other is not None:
                        accumulated[index] += weight + other
            totals = self._totals
            return heapq.nlargest(
                _CANDIDATES, accumulated, key=lambda k: accumulated[k] / (total + totals[k])
            )
        return list(accumulated)

    def _other_country(self, index: int, codes: frozenset[str]) -> bool:
        return bool(codes and self._country[index] and not codes & self._country[index])

    def _score(
        self, index: int, form: _Form, weights: Sequence[float], codes: frozenset[str]
    ) -> float:
        score = _compare(
            form,
            weights,
            self._forms[index],
            self._weights[index],
            role=self._roles[index],
        )[0]
        if self._other_country(index, codes):
            score = max(0.0, round(score - _COUNTRY_PENALTY, 4))
        return score

    def _match(
        self, index: int, form: _Form, weights: Sequence[float], codes: frozenset[str]
    ) -> Match:
        listed = self._names[index]
        score, reason = _compare(
            form, weights, self._forms[index], self._weights[index], True, self._roles[index]
        )
        if self._other_country(index, codes):
            score = max(0.0, round(score - _COUNTRY_PENALTY, 4))
            listed_in = ", ".join(sorted(self._country[index])).upper()
            reason += f"; listed in {listed_in}, supplier in {', '.join(sorted(codes)).upper()}"
        return Match(
            entity_id=listed.entity_id,
            listed_name=listed.name,
            is_alias=listed.is_alias,
            score=score,
            band=self.band(score),
            supplier_form=form.display,
            listed_form=self._forms[index].display,
            reason=reason,
        )

    def band(self, score: float) -> str:
        if score >= self.likely:
            return "likely"
        if score >= self.possible:
            return "possible"
        return "none"

    def best(self, supplier_name: str, *, country: str = "") -> Match | None:
        """The best match over all listed entities, or None when nothing reaches "possible"."""
        cache_key = (supplier_name, country)
        if cache_key in self._cache:
            return self._cache[cache_key]
        form = _analyse(supplier_name)
        weights = self._weigh(form)
        codes = _country_codes(country)
        best: tuple[float, bool, int] | None = None
        # Names that read the same are scored first; the index search is only needed when none
        # of them is a likely match (a different country, say, or other Han characters).
        exact = self._by_compact.get(form.compact, [])
        for indexes in (exact, None):
            if indexes is None:
                if best is not None and best[0] >= self.likely:
                    break
                indexes = [i for i in self._candidates(form, weights) if i not in exact]
            for index in indexes:
                score = self._score(index, form, weights, codes)
                candidate = (score, not self._names[index].is_alias, -index)
                if best is None or candidate > best:
                    best = candidate
        result = None
        if best is not None and best[0] >= self.possible:
            result = self._match(-best[2], form, weights, codes)
        if len(self._cache) < 100_000:
            self._cache[cache_key] = result
        return result

    def screen(self, suppliers: Iterable[tuple[str, str]]) -> list[Match | None]:
        """Best match for each (name, country) row, one result per row, in order."""
        return [self.best(name, country=country) for name, country in suppliers]

    def compare(self, supplier_name: str, listed_name: str) -> Match:
        """Compare a supplier with one name, weighted as this matcher weighs it."""
        form = _analyse(supplier_name)
        other = _analyse(listed_name)
        score, reason = _compare(form, self._weigh(form), other, self._weigh(other), True)
        return Match(
            entity_id="",
            listed_name=listed_name,
            is_alias=False,
            score=score,
            band=self.band(score),
            supplier_form=form.display,
            listed_form=other.display,
            reason=reason,
        )

    def pair_score(self, supplier_name: str, listed: str | Sequence[str]) -> float:
        """Like the module's ``pair_score``, with this matcher's rarity weights."""
        names = [listed] if isinstance(listed, str) else list(listed)
        form = _analyse(supplier_name)
        weights = self._weigh(form)
        forms = [_analyse(name) for name in names]
        return max(
            (
                _compare(form, weights, other, self._weigh(other), role=role)[0]
                for other, role in zip(forms, _roles(forms), strict=True)
            ),
            default=0.0,
        )


def _deletions(token: str) -> set[str]:
    """The token and every form of it with one letter deleted (for typo look-ups)."""
    return {token} | {token[:i] + token[i + 1 :] for i in range(len(token))}
