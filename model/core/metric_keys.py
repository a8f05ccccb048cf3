"""The registry of metric keys (RECORD.md) and of the table rows that fill them (FORMAT.md).

One place for each fact: the table reader finds rows by `ROWS`, the prose patterns, the
checks, the export and the evaluation all name keys from `METRICS`. Row label patterns
read the normalised view (Simplified script, half-width digits and brackets); the table
reader allows layout breaks (spaces, newlines) between their characters.
"""
from __future__ import annotations

from dataclasses import dataclass

APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other", "total")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")
RESULTS = ("granted", "partially_granted", "denied", "unable_to_provide", "not_processed", "other_handling")


@dataclass(frozen=True)
class MetricKey:
    key: str
    meaning: str
    # A figure above this is not believed unless a table states it in separated cells
    # (a disclosure office's yearly requests are not in the hundreds of thousands).
    bound: float = 100_000
    unit: str = "件"


def _k(key: str, meaning: str, bound: float = 100_000, unit: str = "件") -> MetricKey:
    return MetricKey(key, meaning, bound, unit)


METRICS: tuple[MetricKey, ...] = (
    _k("proactive.published_items", "items proactively published this year (主动公开政府信息 N 条)", 10_000_000, "条"),
    *(_k(f"proactive.{kind}.{col}", f"table 2, {label} {word}", 100_000)
      for kind, label in (("regulations", "规章"), ("normative_documents", "行政规范性文件"))
      for col, word in (("issued", "本年制发"), ("repealed", "本年废止"), ("in_force", "现行有效"))),
    _k("proactive.licensing.decisions", "table 2, 行政许可 本年处理决定数量", 100_000_000),
    _k("proactive.punishment.decisions", "table 2, 行政处罚 本年处理决定数量", 100_000_000),
    _k("proactive.coercion.decisions", "table 2, 行政强制 本年处理决定数量", 100_000_000),
    _k("proactive.admin_fees.wan_yuan", "table 2, 行政事业性收费 本年收费金额 (万元)", 100_000_000, "万元"),
    _k("requests.received", "本年新收 (new requests this year)"),
    _k("requests.carried_over", "上年结转"),
    _k("requests.granted", "办理结果 (一) 予以公开"),
    _k("requests.partially_granted", "办理结果 (二) 部分公开"),
    _k("requests.denied", "办理结果 (三) 不予公开"),
    _k("requests.unable_to_provide", "办理结果 (四) 无法提供"),
    _k("requests.not_processed", "办理结果 (五) 不予处理"),
    _k("requests.other_handling", "办理结果 (六) 其他处理"),
    _k("requests.completed", "(七) 总计 / 办结"),
    _k("requests.carried_forward", "结转下年度继续办理"),
    *(_k(f"review.{o}", f"行政复议 {o}", 10_000) for o in OUTCOMES),
    *(_k(f"litigation.direct.{o}", f"行政诉讼 未经复议直接起诉 {o}", 10_000) for o in OUTCOMES),
    *(_k(f"litigation.after_review.{o}", f"行政诉讼 复议后起诉 {o}", 10_000) for o in OUTCOMES),
    _k("litigation.total", "all lawsuits, where only a total is stated", 10_000),
    _k("fees.information_processing_yuan", "信息处理费 charged this year (yuan)", 100_000_000, "元"),
)
BY_KEY = {m.key: m for m in METRICS}
METRIC_KEYS: tuple[str, ...] = tuple(m.key for m in METRICS)


@dataclass(frozen=True)
class Relation:
    """An equality the official figures obey: sum(plus) == sum(minus) (RECORD.md "Checks")."""

    name: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]


RELATIONS: tuple[Relation, ...] = (
    Relation("requests.balance", ("requests.received", "requests.carried_over"),
             ("requests.completed", "requests.carried_forward")),
    Relation("requests.results", tuple(f"requests.{k}" for k in RESULTS), ("requests.completed",)),
    *(Relation(f"{g}.total", tuple(f"{g}.{o}" for o in OUTCOMES[:-1]), (f"{g}.total",))
      for g in ("review", "litigation.direct", "litigation.after_review")),
)


def metric(key: str) -> MetricKey:
    """The registered key (a KeyError names a key that RECORD.md does not have)."""
    return BY_KEY[key]


# --- table rows ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowDef:
    """A row of an official table, found by its label wherever it occurs.

    `cells` is the number of value cells per layout; `fills` maps value cells to metric keys
    (None for a cell no key takes). Rows add up in blocks: a sub-row names its `block`, and
    the row that states the block's total (if the table prints one) has `total_of` = that
    block; where a block's key has no row of its own (2021 table 3's 不予公开), the key is the
    sum of the sub-rows. `ordinal` is the row's list number inside its block (1.属于国家秘密),
    which a crawl may glue onto the previous row's last cell."""

    name: str
    table: str  # "t2", "t3", "t4" or "stats" (the statistics table of 2008-2018 reports)
    label: str  # regular expression over the view
    cells: dict[str, int]  # layout → value cells
    fills: dict[str, tuple[str | None, ...]]  # layout → metric key per value cell
    block: str | None = None
    ordinal: int | None = None
    money: tuple[str, ...] = ()  # layouts in which the cells are amounts of money (万元 in table 2)
    total_of: str | None = None


def _t3(name: str, label: str, key: str | None = None, block: str | None = None, ordinal: int | None = None,
        layouts: tuple[str, ...] = ("2021", "2019"), total_of: str | None = None) -> RowDef:
    # Table 3: seven columns (自然人, five kinds of 法人或其他组织, 总计); the key takes the 总计.
    return RowDef(name, "t3", label, {l: 7 for l in layouts}, {l: (None,) * 6 + (key,) for l in layouts}, block, ordinal,
                  total_of=total_of)


_DENIED = ("属于国家秘密", "其他法律行政法规禁止公开", r"危及[“\"]?三安全一稳定[”\"]?", "保护第三方合法权益",
           "属于三类内部事务信息", "属于四类过程性信息", "属于行政执法案卷", "属于行政查询事项")
_UNABLE = ("本机关不掌握相关政府信息", "没有现成信息需要另行制作", "补正后申请内容仍不明确")
_NOT_PROCESSED = ("信访举报投诉类申请", "重复申请", "要求提供公开出版物", "无正当理由大量反复申请", "要求行政机关确认或重新出具已获取信息")
_OTHER_2021 = ("申请人无正当理由逾期不补正[、,]?行政机关不再处理其政府信息公开申请",
               "申请人逾期未按收费通知要求缴纳费用[、,]?行政机关不再处理其政府信息公开申请",
               r"(?<=3[.、])其他(?!法律|结果|组织|对外|类型|形式|需要)")  # 3.其他, not the 其他 of a header


def _table3() -> list[RowDef]:
    rows = [
        _t3("t3.received", r"本年(?:度)?新收(?:到)?(?:的)?(?:政府信息公开)?申请(?:数量|件数|数)?", "requests.received"),
        _t3("t3.carried_over", r"上(?:一)?年(?:度)?结转(?:的)?(?:政府信息公开)?申请(?:数量|件数|数)?", "requests.carried_over"),
        _t3("t3.granted", r"予以公开", "requests.granted"),
        _t3("t3.partially_granted", r"部分公开(?:\([^)]{0,30}\))?", "requests.partially_granted"),
        *(_t3(f"t3.{key.split('.')[1]}", label, key, total_of=key) for key, label in (
            ("requests.denied", r"\(三\)不予公开"), ("requests.unable_to_provide", r"\(四\)无法提供"),
            ("requests.not_processed", r"\(五\)不予处理"), ("requests.other_handling", r"\(六\)其他处理"))),
        _t3("t3.completed", r"\(七\)总计", "requests.completed"),
        _t3("t3.carried_forward", r"结转(?:至)?下一?年度?(?:继续)?办理", "requests.carried_forward"),
    ]
    for block, labels in (("requests.denied", _DENIED), ("requests.unable_to_provide", _UNABLE),
                          ("requests.not_processed", _NOT_PROCESSED)):
        rows += [_t3(f"t3.{block.split('.')[1]}.{n}", label, block=block, ordinal=n)
                 for n, label in enumerate(labels, 1)]
    rows += [_t3(f"t3.other_handling.{n}", label, block="requests.other_handling", ordinal=n, layouts=("2021",))
             for n, label in enumerate(_OTHER_2021, 1)]
    return rows


def _t2(name: str, label: str, fills_2021: tuple, fills_2019: tuple, money: tuple[str, ...] = ()) -> RowDef:
    cells, fills = {}, {}
    if fills_2021:
        cells["2021"], fills["2021"] = len(fills_2021), fills_2021
    if fills_2019:
        cells["2019"], fills["2019"] = len(fills_2019), fills_2019
    return RowDef(name, "t2", label, cells, fills, money=money)


def _table2() -> list[RowDef]:
    # 2021: 本年制发件数 / 本年废止件数 / 现行有效件数; 本年处理决定数量; 本年收费金额（万元）.
    # 2019: 本年新制作数量 / 本年新公开数量 / 对外公开总数量 (GUIDELINES R3: issued and in_force);
    #       上一年项目数量 / 本年增/减 / 处理决定数量; 收费: 上一年项目数量 / 本年增/减 (no amount).
    reg = lambda kind: (f"proactive.{kind}.issued", f"proactive.{kind}.repealed", f"proactive.{kind}.in_force")  # noqa: E731
    reg19 = lambda kind: (f"proactive.{kind}.issued", None, f"proactive.{kind}.in_force")  # noqa: E731
    return [
        _t2("t2.regulations", r"(?<!性)规章", reg("regulations"), reg19("regulations")),
        _t2("t2.normative_documents", r"(?:行政)?规范性文件", reg("normative_documents"), reg19("normative_documents")),
        _t2("t2.licensing", r"行政许可", ("proactive.licensing.decisions",), (None, None, "proactive.licensing.decisions")),
        _t2("t2.other_services", r"其他对外管理服务事项", (), (None, None, None)),
        _t2("t2.punishment", r"行政处罚", ("proactive.punishment.decisions",), (None, None, "proactive.punishment.decisions")),
        _t2("t2.coercion", r"行政强制", ("proactive.coercion.decisions",), (None, None, "proactive.coercion.decisions")),
        # 2021: the amount charged (万元); 2019: project counts (上一年项目数量, 本年增/减)
        _t2("t2.admin_fees", r"行政事业性收费", ("proactive.admin_fees.wan_yuan",), (None, None), money=("2021",)),
        _t2("t2.procurement", r"政府集中采购", (), (None, None)),
    ]


def _t4() -> list[RowDef]:
    """Table 4 is one row of 15 numbers after its header — 行政复议 (5), 行政诉讼 未经复议直接起诉 (5),
    复议后起诉 (5) — or three tables of five, one per group, each under its own header."""
    groups = ("review", "litigation.direct", "litigation.after_review")
    keys = tuple(f"{group}.{o}" for group in groups for o in OUTCOMES)
    # the header's words, also as the fragments a PDF conversion cuts them into (结果|维持 …)
    header = r"(?:行政复议|行政诉讼|未经复议直接起诉|复议后起诉|结果|维持|纠正|其他|尚未|审结|总计)"
    glue = r"[|:\-]*"  # cell borders and Markdown's |---| between the header's words
    outcome = rf"(?:{glue}(?:结果维持|结果纠正|其他结果|尚未审结|总计|结果|维持|纠正|其他|尚未|审结)){{4,10}}"

    def row(name: str, label: str, fills: tuple) -> RowDef:
        return RowDef(name, "t4", label, {"2021": len(fills), "2019": len(fills)}, {"2021": fills, "2019": fills})

    return [
        # the whole table's header names the lawsuits too; a header of outcomes only is one group's
        row("t4", rf"行政复议(?:{glue}{header})*?{glue}(?:行政诉讼|未经复议直接起诉|复议后起诉)(?:{glue}{header}){{5,}}", keys),
        # a table that lost its header: the 15 numbers right under the section's heading
        row("t4.heading", r"(?:因政府信息公开(?:工作|申请)?被?申请)?行政复议[、,]?(?:提起)?行政诉讼(?:的)?情况", keys),
        row("t4.review", rf"行政复议{outcome}", keys[0:5]),
        row("t4.direct", rf"(?:行政诉讼)?\(?未经复议直接起诉\)?{outcome}", keys[5:10]),
        row("t4.after_review", rf"(?:行政诉讼)?\(?复议后起诉\)?{outcome}", keys[10:15]),
    ]


def _stats() -> list[RowDef]:
    """The statistics table of 2008-2018 reports (指标 / 单位 / 数量, often with a 历年累计 column):
    the mapping of GUIDELINES.md. Rows without a key still take part in the block sums."""
    def row(name: str, label: str, key: str | None, block: str | None = None, total_of: str | None = None,
            money: tuple[str, ...] = ()) -> RowDef:
        return RowDef(name, "stats", label, {"legacy": 1}, {"legacy": (key,)}, block, total_of=total_of, money=money)

    return [
        row("stats.published", r"主动公开(?:政府)?(?:信息|文件)(?:总)?数", "proactive.published_items", total_of="published"),
        row("stats.published.web", r"(?:政府)?网站公开(?:数)?", None, "published"),
        row("stats.published.gazette", r"政府公报公开(?:数)?", None, "published"),
        row("stats.normative_issued", r"制发规范性文件总数", "proactive.normative_documents.issued"),
        row("stats.received", r"受理(?:政府信息)?依申请公开(?:信息)?总数|收到申请数", "requests.received", total_of="received"),
        *(row(f"stats.received.{n}", label, None, "received") for n, label in enumerate(
            (r"当面申请数", r"网上申请数|网络申请数", r"信函[、,]?传真申请数", r"(?<![函、,])传真申请数", r"电子邮件申请数",
             r"(?<!、)信函申请数", r"其[它他]形式申请数"), 1)),
        row("stats.completed", r"申请办结数", "requests.completed"),
        # 对申请的答复总数 counts the requests answered (GUIDELINES: requests.completed); its items add up to it
        row("stats.answered", r"对申请的答复(?:总)?数", "requests.completed", total_of="answers"),
        row("stats.answers", r"(?<!的)申请答复数", None, total_of="answers"),
        row("stats.granted", r"(?<!部分)同意公开答复数", "requests.granted", "answers"),
        row("stats.partially_granted", r"同意部分公开答复数", "requests.partially_granted", "answers"),
        row("stats.denied", r"(?:不予|否决|不同意)公开答复数", "requests.denied", "answers"),
        row("stats.answered.other", r"其他类型答复数", None, "answers"),
        row("stats.review", r"(?<!接受)行政复议数(?:量)?", "review.total"),
        row("stats.litigation", r"(?<![受、])行政诉讼数(?:量)?", "litigation.total"),
        row("stats.fee_waiver", r"(?:政府信息公开)?收费(?:及)?减免金额", None, money=("legacy",)),
        row("stats.appeals", r"行政申诉(?:[、,]?举报)?数|接受行政诉讼[、,]?举报数|举报投诉数(?:量)?", None),
    ]


ROWS: tuple[RowDef, ...] = (*_table3(), *_table2(), *_t4(), *_stats())
ROW_BY_NAME = {r.name: r for r in ROWS}
