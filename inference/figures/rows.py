"""Table rows as the readers give them: cells with original offsets, and the row labels of
tables 2-4 (FORMAT.md) that say which metric a row fills."""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
_SEPARATOR = re.compile(r"^:?-{2,}:?$")
APPLICANT_COLUMNS = ("natural_person", "commercial", "research", "public_interest", "legal_services", "other", "total")
OUTCOMES = ("upheld", "corrected", "other", "pending", "total")

# Table 3 sub-rows: the block they add up to, recognised by their words.
_SUBROWS = [
    ("requests.denied", ("国家秘密", "禁止公开", "三安全一稳定", "第三方合法权益", "内部事务", "过程性信息", "执法案卷", "行政查询")),
    ("requests.unable_to_provide", ("不掌握", "另行制作", "仍不明确")),
    ("requests.not_processed", ("信访举报", "重复申请", "公开出版物", "大量反复", "重新出具")),
    ("requests.other_handling", ("逾期不补正", "收费通知")),
]
_ROWS3 = [
    ("requests.received", ("本年新收",)),
    ("requests.carried_over", ("上年结转",)),
    ("requests.granted", ("予以公开",)),
    ("requests.partially_granted", ("部分公开",)),
    ("requests.carried_forward", ("结转下年度", "结转下一年度")),
    ("requests.completed", ("(七)总计", "（七）总计", "七)总计")),
]
_ROWS2 = [
    ("proactive.regulations", "规章"),
    ("proactive.normative_documents", "规范性文件"),
    ("proactive.licensing.decisions", "行政许可"),
    ("proactive.punishment.decisions", "行政处罚"),
    ("proactive.coercion.decisions", "行政强制"),
    ("proactive.admin_fees.wan_yuan", "行政事业性收费"),
]


@dataclass
class Cell:
    text: str
    start: int  # original offsets
    end: int

    @cached_property
    def number(self) -> float | int | None:
        t = self.text.replace(",", "").strip()
        if not _NUMBER.match(t):
            return None
        return float(t) if "." in t else int(t)


@dataclass
class Row:
    paragraph: int
    section: str | None
    cells: list[Cell]

    @property
    def label(self) -> str:
        return "".join(c.text for c in self.cells if c.number is None).replace(" ", "")

    @property
    def numbers(self) -> list[Cell]:
        return [c for c in self.cells if c.number is not None]
