"""Quality and speed of supplier screening (actionhub/brands/matching.py) against a baseline.

    .venv/bin/python benchmarks/bench_screening.py

Quality: every labelled pair in benchmarks/screening_eval.csv is scored with
``Matcher.pair_score`` (a matcher built on all listed names in the set, so rarity weights come
from the whole list) and counted positive when the score reaches the "possible" threshold
(and, separately, the "likely" one). When the nomenklatura name-matching cases sit in
shared/data/screening/ beside the repository, their company and organisation rows are scored
the same way as an outside check: the thresholds were not chosen on them.

The baseline is rapidfuzz's ``fuzz.token_sort_ratio`` on lower-cased names, the best over the
listed entity's names, with the threshold that maximises its own F1 on each set (which flatters
the baseline).

Speed: 5,000 generated listed entities with two aliases each and 10,000 generated suppliers,
screened with ``Matcher.screen``; the baseline runs ``process.extractOne`` over all 15,000 names.

The last line printed is JSON.
"""

from __future__ import annotations

import csv
import importlib.util
import json
import math
import random
import sys
import time
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from rapidfuzz import fuzz, process, utils

ROOT = Path(__file__).resolve().parents[1]


def _load_matching():
    """The matcher module, loaded from its file: it has no Django imports, so the benchmark
    runs from a fresh clone without settings or installing the project."""
    spec = importlib.util.spec_from_file_location(
        "actionhub.brands.matching", ROOT / "actionhub" / "brands" / "matching.py"
    )
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


matching = _load_matching()
LIKELY, POSSIBLE = matching.LIKELY, matching.POSSIBLE
ListedName, Matcher = matching.ListedName, matching.Matcher

EVAL_PATH = ROOT / "benchmarks" / "screening_eval.csv"
EXTERNAL_PATH = (
    Path(__file__).resolve().parents[2] / "shared/data/screening/nomenklatura-name-bench-cases.csv"
)
EXTERNAL_SCHEMAS = {"Company", "Organization", "LegalEntity"}
SEED = 20261130
# The speed baseline keeps candidates scoring at least this (token_sort_ratio / 100). Its
# F1-best threshold on our set is near 0, which would make it slower still; 0.8 is a usual cut-off.
BASELINE_SPEED_CUTOFF = 0.8


# ------------------------------------------------------------------------------------ quality
def load_eval() -> list[tuple[str, list[str], bool, str]]:
    with EVAL_PATH.open(newline="", encoding="utf-8") as f:
        return [
            (
                row["supplier_name"],
                [n.strip() for n in row["listed_name"].split(" | ")],
                row["is_match"].strip() == "1",
                row["kind"],
            )
            for row in csv.DictReader(f)
        ]


def load_external() -> list[tuple[str, list[str], bool, str]]:
    if not EXTERNAL_PATH.exists():
        return []
    with EXTERNAL_PATH.open(newline="", encoding="utf-8") as f:
        return [
            (
                row["name1"],
                [row["name2"]],
                row["is_match"].strip().lower() == "true",
                row["case_group"],
            )
            for row in csv.DictReader(f)
            if row["schema"] in EXTERNAL_SCHEMAS
        ]


def matcher_for(rows: Sequence[tuple[str, list[str], bool, str]]):
    entities: dict[tuple[str, ...], int] = {}
    names = []
    for _, listed, _, _ in rows:
        key = tuple(listed)
        if key in entities:
            continue
        entities[key] = len(entities)
        names.extend(
            ListedName(entity_id=entities[key], name=name, is_alias=i > 0)
            for i, name in enumerate(listed)
        )
    return Matcher(names)


def metrics(scores: Sequence[float], labels: Sequence[bool], threshold: float) -> dict:
    tp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and y)
    fp = sum(1 for s, y in zip(scores, labels, strict=True) if s >= threshold and not y)
    fn = sum(1 for s, y in zip(scores, labels, strict=True) if s < threshold and y)
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "threshold": round(threshold, 3),
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "tp": tp,
        "fp": fp,
        "fn": fn,
    }


def best_threshold(scores: Sequence[float], labels: Sequence[bool]) -> dict:
    """The threshold (one of the observed scores) with the highest F1."""
    best = metrics(scores, labels, 1.01)
    for threshold in sorted(set(scores)):
        candidate = metrics(scores, labels, threshold)
        if candidate["f1"] > best["f1"]:
            best = candidate
    return best


def suggested_thresholds(scores: Sequence[float], labels: Sequence[bool]) -> tuple[float, float]:
    """The rule the thresholds were chosen by (see docs/screening.md), each with a margin of
    0.05 from the scores that decided it:

    possible: the F1-best threshold on the set, less 0.05, rounded down to a step of 0.05
    (a lead that a reviewer dismisses costs less than a missed one);
    likely: the highest-scoring non-match plus 0.05, rounded up to a step of 0.05.
    """
    best = best_threshold(scores, labels)["threshold"]
    possible = math.floor(round((best - 0.05) * 20, 6)) / 20
    worst = max((s for s, y in zip(scores, labels, strict=True) if not y), default=0.0)
    likely = min(1.0, math.ceil(round((worst + 0.05) * 20, 6)) / 20)
    return round(possible, 2), round(likely, 2)


def baseline_score(supplier: str, listed: Sequence[str]) -> float:
    return max(fuzz.token_sort_ratio(supplier.lower(), name.lower()) for name in listed) / 100


def evaluate(rows, label: str) -> dict:
    matcher = matcher_for(rows)
    labels = [y for _, _, y, _ in rows]
    scores = [matcher.pair_score(s, listed) for s, listed, _, _ in rows]
    possible = metrics(scores, labels, matcher.possible)
    likely = metrics(scores, labels, matcher.likely)
    tuned = best_threshold(scores, labels)
    baseline_scores = [baseline_score(s, listed) for s, listed, _, _ in rows]
    baseline = best_threshold(baseline_scores, labels)
    print(f"\n== {label}: {len(rows)} pairs, {sum(labels)} matches")
    print(f"  matcher at possible ({matcher.possible}): {fmt(possible)}")
    print(f"  matcher at likely   ({matcher.likely}): {fmt(likely)}")
    print(f"  matcher, best threshold on this set : {fmt(tuned)}")
    print(f"  baseline token_sort_ratio, its best : {fmt(baseline)}")
    print("  threshold   matcher: precision recall F1   baseline: precision recall F1")
    for t in (0.5, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95):
        m, b = metrics(scores, labels, t), metrics(baseline_scores, labels, t)
        print(
            f"    {t:<9} {m['precision']:>17.3f} {m['recall']:.3f} {m['f1']:.3f}"
            f" {b['precision']:>19.3f} {b['recall']:.3f} {b['f1']:.3f}"
        )
    return {
        "rows": rows,
        "scores": scores,
        "labels": labels,
        "matcher": matcher,
        "possible": possible,
        "likely": likely,
        "tuned": tuned,
        "baseline": baseline,
    }


def fmt(m: dict) -> str:
    return (
        f"threshold {m['threshold']:<5} precision {m['precision']:.3f} recall {m['recall']:.3f} "
        f"F1 {m['f1']:.3f} (tp {m['tp']}, fp {m['fp']}, fn {m['fn']})"
    )


def report_by_kind(result: dict) -> None:
    by_kind: dict[str, list[int]] = {}
    for (_, _, label, kind), score in zip(result["rows"], result["scores"], strict=True):
        right = (score >= POSSIBLE) == label
        by_kind.setdefault(f"{kind} ({'match' if label else 'non-match'})", [0, 0])
        by_kind[f"{kind} ({'match' if label else 'non-match'})"][0] += right
        by_kind[f"{kind} ({'match' if label else 'non-match'})"][1] += 1
    print("  right at the possible threshold, by kind:")
    for kind, (right, total) in sorted(by_kind.items()):
        print(f"    {kind:<38} {right:>3}/{total}")
    errors = [
        (score, label, supplier, listed[0])
        for (supplier, listed, label, _), score in zip(
            result["rows"], result["scores"], strict=True
        )
        if (score >= POSSIBLE) != label
    ]
    for score, label, supplier, listed in sorted(errors):
        what = "missed" if label else "false lead"
        print(f"    {what:<10} {score:.3f}  {supplier!r} ~ {listed!r}")


def retrieval(result: dict) -> tuple[int, int]:
    """Of the matching pairs, how many ``best`` answers with that listed entity."""
    matcher = result["matcher"]
    ids = {}
    for _, listed, _, _ in result["rows"]:
        ids.setdefault(tuple(listed), len(ids))
    found = total = 0
    for supplier, listed, label, _ in result["rows"]:
        if not label:
            continue
        total += 1
        match = matcher.best(supplier)
        found += bool(match and match.entity_id == ids[tuple(listed)])
    return found, total


# -------------------------------------------------------------------------------------- speed
BRAND_SYLLABLES = {
    "zhong": "中", "tai": "泰", "hua": "华", "xin": "鑫", "tian": "天", "jin": "金", "hong": "宏",
    "sheng": "盛", "rui": "瑞", "feng": "丰", "long": "龙", "yuan": "源", "da": "达", "heng": "恒",
    "yu": "宇", "kai": "凯", "mei": "美", "li": "利", "fu": "富", "an": "安", "kang": "康",
    "xiang": "祥", "bao": "宝", "ding": "鼎", "tong": "通", "hai": "海", "guang": "光",
    "rong": "荣", "xing": "星", "wei": "威", "jia": "嘉", "hui": "辉", "cheng": "诚",
    "ming": "明", "yi": "益", "run": "润",
}  # fmt: skip
PLACES = [
    ("Xinjiang", "新疆"), ("Urumqi", "乌鲁木齐"), ("Aksu", "阿克苏"), ("Kashgar", "喀什"),
    ("Hotan", "和田"), ("Changji", "昌吉"), ("Shihezi", "石河子"), ("Korla", "库尔勒"),
    ("Hami", "哈密"), ("Yining", "伊宁"), ("Jiangsu", "江苏"), ("Zhejiang", "浙江"),
    ("Guangdong", "广东"), ("Shandong", "山东"), ("Fujian", "福建"), ("Anhui", "安徽"),
    ("Henan", "河南"), ("Hebei", "河北"), ("Hubei", "湖北"), ("Jiangxi", "江西"),
]  # fmt: skip
INDUSTRIES = [
    ("Textile", "纺织", "Fangzhi"), ("Cotton", "棉业", "Mianye"), ("Garment", "服装", "Fuzhuang"),
    ("Apparel", "服饰", "Fushi"), ("Chemical", "化工", "Huagong"), ("Polysilicon", "多晶硅", "Duojinggui"),
    ("Solar Materials", "光伏材料", "Guangfu Cailiao"), ("Electronics", "电子", "Dianzi"),
    ("Tomato Products", "番茄制品", "Fanqie Zhipin"), ("Hair Products", "发制品", "Fazhipin"),
    ("Shoes", "鞋业", "Xieye"), ("Knitting", "针织", "Zhenzhi"), ("Yarn", "纱线", "Shaxian"),
    ("Trading", "贸易", "Maoyi"), ("Logistics", "物流", "Wuliu"), ("Mining", "矿业", "Kuangye"),
    ("Agriculture", "农业", "Nongye"), ("Food", "食品", "Shipin"), ("Paper", "纸业", "Zhiye"),
    ("Plastics", "塑料", "Suliao"), ("Metals", "金属", "Jinshu"), ("Machinery", "机械", "Jixie"),
    ("New Energy", "新能源", "Xinnengyuan"), ("Technology", "科技", "Keji"),
]  # fmt: skip
LEGAL_FORMS = ["Co., Ltd.", "Co., Ltd.", "Company Limited", "Co Ltd", "Limited", "Group Co., Ltd."]
# Suppliers elsewhere: (country, first words, business words, legal forms)
ELSEWHERE = [
    ("BD", ["Dhaka", "Chittagong", "Gazipur", "Narayanganj", "Bengal", "Padma", "Meghna"],
     ["Knit Composite", "Apparels", "Fashion Wear", "Denim", "Sweaters", "Textile Mills"], ["Ltd", "Limited"]),
    ("VN", ["Saigon", "Hanoi", "Viet Thang", "Phong Phu", "Hoa Tho", "Nam Dinh", "Thanh Cong"],
     ["Garment", "Textile", "Footwear", "Yarn", "Knitting"], ["JSC", "Joint Stock Company", "Co., Ltd"]),
    ("TR", ["Anatolia", "Bursa", "Ege", "Marmara", "Denizli", "Kayseri", "Istanbul"],
     ["Tekstil", "Iplik", "Konfeksiyon", "Dokuma", "Orme"], ["A.S.", "Ltd. Sti.", "San. ve Tic. A.S."]),
    ("IN", ["Tiruppur", "Coimbatore", "Ludhiana", "Surat", "Arvind", "Vardhman", "Welspun"],
     ["Spinning Mills", "Exports", "Knitwear", "Fabrics", "Solar Systems"], ["Pvt Ltd", "Limited", "LLP"]),
]  # fmt: skip


def _tones(pinyin: str, rng: random.Random) -> str:
    vowel = {"a": "ā", "e": "é", "i": "ǐ", "o": "ò", "u": "ū"}
    for v in "aeiou":
        if v in pinyin.lower():
            return pinyin.replace(v, vowel[v], 1)
    return pinyin


def generate(entities: int, suppliers: int) -> tuple[list, list[tuple[str, str]], list[str]]:
    """Listed names, (supplier, country) rows, and for each row whether it was drawn from a
    listed name ("listed") or not ("other")."""
    rng = random.Random(SEED)
    syllables = list(BRAND_SYLLABLES)

    def company(r: random.Random):
        place = r.choice(PLACES)
        brand = r.sample(syllables, 2)
        industry = r.choice(INDUSTRIES)
        return place, tuple(brand), industry

    seen: set = set()
    names: list = []
    listed: list[tuple] = []
    while len(listed) < entities:
        key = company(rng)
        if key in seen:
            continue
        seen.add(key)
        (place, place_han), brand, (industry, industry_han, industry_py) = key
        brand_py = "".join(brand).capitalize()
        brand_han = "".join(BRAND_SYLLABLES[s] for s in brand)
        entity_id = len(listed)
        primary = f"{place} {brand_py} {industry} {rng.choice(LEGAL_FORMS)}"
        aliases = [f"{place} {brand_py} {industry_py} Youxian Gongsi"]
        if rng.random() < 0.7:
            aliases.append(f"{place_han}{brand_han}{industry_han}有限公司")
        else:
            aliases.append(f"{brand_py} {industry} Group")
        names.append(ListedName(entity_id, primary, False, "CN"))
        names.extend(ListedName(entity_id, alias, True, "CN") for alias in aliases)
        listed.append((primary, place, brand_py, industry, place_han + brand_han + industry_han))

    rows: list[tuple[str, str]] = []
    kinds: list[str] = []
    while len(rows) < suppliers:
        draw = rng.random()
        if draw < 0.2:  # a listed name as listed
            rows.append((rng.choice(names).name, "CN"))
            kinds.append("listed")
        elif draw < 0.4:  # a listed name written differently
            primary, place, brand, industry, han = rng.choice(listed)
            variant = rng.choice(
                [
                    f"{brand} {industry} ({place}) Co Ltd",
                    f"{place.upper()} {brand.upper()} {industry.upper()} CO., LTD.",
                    f"{brand} {industry} Limited",
                    f"{_tones(place, rng)} {_tones(brand, rng)} {industry}",
                    f"{place}{brand} {industry}",
                    han,
                ]
            )
            rows.append((variant, rng.choice(["CN", "China", ""])))
            kinds.append("listed")
        elif draw < 0.7:  # a Chinese company that is not listed (often sharing words)
            key = company(rng)
            if key in seen:
                continue
            (place, _), brand, (industry, _, _) = key
            name = f"{place} {''.join(brand).capitalize()} {industry} {rng.choice(LEGAL_FORMS)}"
            rows.append((name, rng.choice(["CN", ""])))
            kinds.append("other")
        else:  # a supplier elsewhere
            country, firsts, business, forms = rng.choice(ELSEWHERE)
            name = f"{rng.choice(firsts)} {rng.choice(business)} {rng.choice(forms)}"
            rows.append((name, rng.choice([country, ""])))
            kinds.append("other")
    return names, rows, kinds


def timed(fn: Callable[[], object]) -> tuple[object, float]:
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def speed(baseline_threshold: float) -> dict:
    names, suppliers, kinds = generate(5_000, 10_000)
    matcher, build_s = timed(lambda: Matcher(names))
    results, screen_s = timed(lambda: matcher.screen(suppliers))
    drawn = sum(1 for k in kinds if k == "listed")
    found = sum(1 for r, k in zip(results, kinds, strict=True) if r is not None and k == "listed")
    stray = sum(1 for r, k in zip(results, kinds, strict=True) if r is not None and k == "other")

    choices = [n.name for n in names]
    processed = [utils.default_process(c) for c in choices]
    cutoff = baseline_threshold * 100

    def baseline():
        return [
            process.extractOne(
                utils.default_process(name),
                processed,
                scorer=fuzz.token_sort_ratio,
                processor=None,
                score_cutoff=cutoff,
            )
            for name, _ in suppliers
        ]

    baseline_results, baseline_s = timed(baseline)
    baseline_flagged = sum(1 for r in baseline_results if r is not None)
    print(f"\n== speed: {len(names)} listed names of 5,000 entities, {len(suppliers)} suppliers")
    print(f"  matcher build     {build_s:.2f} s")
    print(
        f"  matcher screen    {screen_s:.2f} s = {len(suppliers) / screen_s:,.0f} suppliers/s "
        f"({found}/{drawn} drawn from listed names flagged; "
        f"{stray}/{len(kinds) - drawn} others flagged, many sharing place, brand syllables, trade)"
    )
    print(
        f"  baseline extractOne {baseline_s:.2f} s = {len(suppliers) / baseline_s:,.0f} suppliers/s "
        f"({baseline_flagged} flagged at cut-off {baseline_threshold})"
    )
    print(f"  matcher is {baseline_s / screen_s:.1f}x the baseline's speed")
    return {
        "build_s": round(build_s, 3),
        "screen_s": round(screen_s, 3),
        "suppliers_per_s": round(len(suppliers) / screen_s),
        "baseline_s": round(baseline_s, 3),
        "baseline_suppliers_per_s": round(len(suppliers) / baseline_s),
        "speed_ratio": round(baseline_s / screen_s, 2),
    }


def main() -> None:
    ours = evaluate(load_eval(), "our set (benchmarks/screening_eval.csv)")
    report_by_kind(ours)
    possible, likely = suggested_thresholds(ours["scores"], ours["labels"])
    print(
        f"  thresholds by the documented rule: possible {possible}, likely {likely} "
        f"(in use: possible {POSSIBLE}, likely {LIKELY})"
    )
    found, total = retrieval(ours)
    print(f"  best() names the labelled entity for {found}/{total} matching pairs")
    external_rows = load_external()
    external = (
        evaluate(external_rows, "nomenklatura cases (companies, organisations)")
        if external_rows
        else None
    )
    if external:
        report_by_kind(external)
    figures = speed(BASELINE_SPEED_CUTOFF)
    summary = {
        "date": time.strftime("%Y-%m-%d"),
        "python": sys.version.split()[0],
        "unicode": unicodedata.unidata_version,
        "likely": LIKELY,
        "possible": POSSIBLE,
        "suggested_possible": possible,
        "suggested_likely": likely,
        "pairs": len(ours["rows"]),
        "precision": ours["possible"]["precision"],
        "recall": ours["possible"]["recall"],
        "f1": ours["possible"]["f1"],
        "likely_precision": ours["likely"]["precision"],
        "likely_recall": ours["likely"]["recall"],
        "likely_f1": ours["likely"]["f1"],
        "baseline_f1": ours["baseline"]["f1"],
        "baseline_precision": ours["baseline"]["precision"],
        "baseline_recall": ours["baseline"]["recall"],
        "baseline_threshold": ours["baseline"]["threshold"],
        "retrieval": f"{found}/{total}",
    }
    if external:
        summary.update(
            external_pairs=len(external["rows"]),
            external_precision=external["possible"]["precision"],
            external_recall=external["possible"]["recall"],
            external_f1=external["possible"]["f1"],
            external_likely_f1=external["likely"]["f1"],
            external_baseline_f1=external["baseline"]["f1"],
        )
    summary.update(figures)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
