"""Synthetic annual reports with labels known by construction.

Whole reports in the three layouts (2021, 2019, legacy), with bodies drawn from the
gazetteer (region × department names, abbreviations, joint bodies), figures, dates,
percentages and money in varied forms (Chinese numerals, 万, 余/多, spaced digits), tables
as separated or run-together cells, and the noise of real pages: site chrome before and
after, one-line flattening, wrapped lines, full-width digits. Each report is a `GoldDoc`
with inline text, so training reads real and synthetic documents the same way.
"""
from __future__ import annotations

import random
from dataclasses import dataclass, field

from gongkai.training.data.annotations import GoldDoc

CN = "零一二三四五六七八九"
DEPTS = ["发展和改革局", "财政局", "教育局", "公安局", "民政局", "司法局", "人力资源和社会保障局", "自然资源和规划局",
         "生态环境局", "住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局", "卫生健康委员会",
         "应急管理局", "审计局", "市场监督管理局", "统计局", "医疗保障局", "信访局", "行政审批局", "数据资源管理局",
         "营商环境建设监督局", "经济发展局", "政务服务中心", "档案馆"]
ABBREV = ["发改局", "经发局", "人社局", "住建局", "市场监管局", "卫健委", "文旅局", "资规局", "行政审批局", "大数据局"]
ZONES = ["新区", "高新区", "经济技术开发区", "综合实验区"]
LEVELS = ["市", "区", "县"]
HEADINGS = {
    "2021": [("overview", "总体情况"), ("proactive", "主动公开政府信息情况"), ("requests", "收到和处理政府信息公开申请情况"),
             ("review_litigation", "政府信息公开行政复议、行政诉讼情况"), ("problems", "存在的主要问题及改进情况"),
             ("other", "其他需要报告的事项")],
    "legacy": [("overview", "概述"), ("proactive", "主动公开政府信息情况"), ("requests", "政府信息依申请公开情况"),
               ("fees", "政府信息公开的收费及减免情况"), ("review_litigation", "因政府信息公开申请行政复议、提起行政诉讼的情况"),
               ("problems", "存在的主要问题及改进措施"), ("overview", "政务舆情回应情况"), ("other", "其他需要报告的事项")],
}
HEADINGS["2019"] = HEADINGS["2021"]
NUMERALS = "一二三四五六七八九十"
CHROME_HEAD = ["首页 > 政务公开 > 政府信息公开年报", "当前位置：首页 > 信息公开", "【字体：大 中 小】 打印"]
CHROME_TAIL = ["扫一扫在手机打开当前页", "关闭窗口", "版权所有：{agency}", "网站标识码：{code}", "ICP备{code}号", "返回顶部"]


@dataclass
class Builder:
    """Text being written, with its paragraphs and spans (offsets known as it grows)."""

    rng: random.Random
    parts: list[str] = field(default_factory=list)
    length: int = 0
    paragraphs: list[dict] = field(default_factory=list)
    spans: list[dict] = field(default_factory=list)
    _para_start: int | None = None

    def add(self, text: str, label: str | None = None) -> None:
        if label and text:
            self.spans.append({"start": self.length, "end": self.length + len(text), "label": label, "text": text})
        self.parts.append(text)
        self.length += len(text)

    def paragraph(self, section: str, pieces: list[tuple[str, str | None]], sep: str = "\n") -> None:
        if self.parts and sep:
            self.add(sep)
        start = self.length
        for text, label in pieces:
            self.add(text, label)
        if self.length > start:
            self.paragraphs.append({"start": start, "end": self.length, "section": section})

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Generator:
    def __init__(self, regions: list[str], seed: int = 0):
        self.rng = random.Random(seed)
        self.regions = regions

    # --- values in their written forms ----------------------------------------------------

    def count(self, unit: str | None = None) -> str:
        r = self.rng
        unit = unit or r.choice("件条个项次家户篇场名")
        kind = r.random()
        if kind < 0.12:
            return self.cn_number(r.randint(1, 99)) + unit
        if kind < 0.2:
            return f"{r.randint(1, 999)}{r.choice(['余', '多'])}{unit}"
        if kind < 0.28:
            return f"{r.randint(1, 99)}.{r.randint(1, 99)}万{unit}"
        if kind < 0.33:
            return f"{r.randint(1, 9999)} {unit}"
        return f"{r.choice([r.randint(0, 9), r.randint(10, 999), r.randint(1000, 99999)])}{unit}"

    def cn_number(self, n: int) -> str:
        if n < 10:
            return CN[n]
        tens, ones = divmod(n, 10)
        return ("" if tens == 1 else CN[tens]) + "十" + (CN[ones] if ones else "")

    def percent(self) -> str:
        r = self.rng
        return r.choice([f"{r.randint(50, 100)}%", f"{r.randint(50, 99)}.{r.randint(0, 9)}%", f"{r.randint(1, 30)}个百分点",
                         "百分之百", f"{r.randint(60, 99)}.{r.randint(0, 9)} %"])

    def date(self, year: int) -> str:
        r = self.rng
        return r.choice([f"{year}年", f"{year}年度", f"{year}年{r.randint(1, 12)}月", f"{year}年{r.randint(1, 12)}月{r.randint(1, 28)}日",
                         f"{r.randint(1, 12)}月{r.randint(1, 28)}日", f"{year} 年 {r.randint(1, 12)} 月"])

    def money(self) -> str:
        r = self.rng
        return r.choice([f"{r.randint(0, 9999)}元", f"{r.randint(1, 999)}.{r.randint(1, 9)}万元", f"{r.randint(1, 99)}亿元",
                         f"{r.randint(100, 9999)}万元"])

    def agency(self, home: str) -> str:
        r = self.rng
        kind = r.random()
        if kind < 0.25:
            return home + r.choice(DEPTS)
        if kind < 0.45:
            return r.choice(LEVELS) + r.choice(ABBREV)
        if kind < 0.6:
            return r.choice(["市委", "市政府", "区委", "区政府", "县政府", "国务院办公厅", "省政府办公厅"])
        if kind < 0.75:
            return r.choice(self.regions) + "人民政府"
        return r.choice(self.regions) + r.choice(DEPTS)

    # --- a report ---------------------------------------------------------------------------

    def report(self, n: int) -> GoldDoc:
        r = self.rng
        year = r.randint(2012, 2025)
        layout = "legacy" if year <= 2018 else ("2019" if year <= 2020 else "2021")
        region = r.choice(self.regions)
        home = region + (r.choice(ZONES) if r.random() < 0.2 else "")
        body = home + r.choice(["人民政府"] + DEPTS)
        b = Builder(r)
        if r.random() < 0.5:
            for line in r.sample(CHROME_HEAD, r.randint(1, 2)):
                b.paragraph("boilerplate", [(line, None)])
        b.paragraph("preamble", [(body, "AGENCY"), (f"{year}年", "DATE"), ("政府信息公开工作年度报告", None)])
        if r.random() < 0.5:
            b.paragraph("preamble", [("发布时间：", None), (f"{year + 1}-0{r.randint(1, 3)}-{r.randint(10, 28)}", "DATE"),
                                     ("  来源：", None), (body, "AGENCY")])
        b.paragraph("preamble", [("根据《中华人民共和国政府信息公开条例》要求，", None), (body, "AGENCY"),
                                 ("编制本报告。本报告中所列数据的统计期限自", None), (f"{year}年1月1日", "DATE"), ("起至", None),
                                 (f"{year}年12月31日", "DATE"), ("止。", None)])
        for k, (section, heading) in enumerate(HEADINGS[layout]):
            b.paragraph(section, [(f"{NUMERALS[k]}、{heading}", None)])
            for _ in range(r.randint(1, 3)):
                b.paragraph(section, self.sentence(section, year, home))
            if section in ("proactive", "requests", "review_litigation") and layout != "legacy" and r.random() < 0.7:
                for row in self.table(section):
                    b.paragraph(section, row)
        for line in r.sample(CHROME_TAIL, r.randint(0, 3)):
            b.paragraph("boilerplate", [(line.format(agency=body, code=r.randint(10000, 99999)), None)])
        text = b.text
        if r.random() < 0.25:  # a crawler flattened the page: offsets shift by the newlines removed
            shift = _newlines_before(text)
            b.paragraphs = [{**p, "start": p["start"] - shift[p["start"]], "end": p["end"] - shift[p["end"]]} for p in b.paragraphs]
            b.spans = [{**x, "start": x["start"] - shift[x["start"]], "end": x["end"] - shift[x["end"]]} for x in b.spans]
            text = text.replace("\n", "")
        return GoldDoc(id=f"synthetic_{n:05d}", paragraphs=b.paragraphs, spans=b.spans, text=text,
                       record={"agency": body, "year": year, "format": layout})

    def sentence(self, section: str, year: int, home: str) -> list[tuple[str, str | None]]:
        r = self.rng
        a = self.agency(home)
        templates = {
            "overview": [[(self.date(year), "DATE"), ("，", None), (a, "AGENCY"), ("坚持以公开为常态，全年召开专题会议", None),
                          (self.count("次"), "COUNT"), ("，满意率达", None), (self.percent(), "PERCENT"), ("。", None)],
                         [("（一）主动公开。", None), ("通过门户网站主动公开政府信息", None), (self.count("条"), "COUNT"),
                          ("，其中政策文件", None), (self.count("件"), "COUNT"), ("。", None)]],
            "proactive": [[("全年主动公开政府信息", None), (self.count("条"), "COUNT"), ("，发布政策解读", None),
                           (self.count("篇"), "COUNT"), ("，", None), (a, "AGENCY"), ("及时回应社会关切。", None)]],
            "requests": [[(self.date(year), "DATE"), ("，共收到政府信息公开申请", None), (self.count("件"), "COUNT"),
                          ("，上年结转", None), (self.count("件"), "COUNT"), ("，均已按时答复。", None)]],
            "review_litigation": [[("全年因政府信息公开工作被申请行政复议", None), (self.count("件"), "COUNT"),
                                   ("，被提起行政诉讼", None), (self.count("件"), "COUNT"), ("。", None)],
                                  [("本年度未发生因政府信息公开引起的行政复议和行政诉讼。", None)]],
            "fees": [[("本年度收取信息处理费", None), (self.money(), "MONEY"), ("。", None)],
                     [("本年度未收取任何费用。", None)]],
            "problems": [[("一是公开质量有待提高。下一步，", None), (a, "AGENCY"), ("将加强培训，力争", None),
                          (self.date(year + 1), "DATE"), ("完成整改。", None)]],
            "other": [[(self.date(year), "DATE"), ("，", None), (a, "AGENCY"), ("收取信息处理费", None), (self.money(), "MONEY"),
                       ("。", None)], [("无其他需要报告的事项。", None)]],
        }
        return r.choice(templates[section])

    def table(self, section: str) -> list[list[tuple[str, str | None]]]:
        r = self.rng
        sep = r.choice(["\t", " | ", ""])
        rows = {"proactive": ["规章", "行政规范性文件", "行政许可", "行政处罚"],
                "requests": ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（七）总计"],
                "review_litigation": [""]}[section]
        out = []
        for label in rows:
            width = 15 if section == "review_litigation" else (7 if section == "requests" else r.choice([1, 3]))
            cells = [str(r.choice([0, 0, 0, r.randint(1, 99)])) for _ in range(width)]
            pieces: list[tuple[str, str | None]] = [(label, None)] if label else []
            for k, cell in enumerate(cells):
                if sep or k or label:
                    pieces.append((sep or "", None))
                pieces.append((cell, "COUNT"))
            out.append([p for p in pieces if p[0]])
        return out


def _newlines_before(text: str) -> list[int]:
    counts, n = [0] * (len(text) + 1), 0
    for i, c in enumerate(text):
        counts[i] = n
        n += c == "\n"
    counts[len(text)] = n
    return counts


def generate(n: int, seed: int = 0) -> list[GoldDoc]:
    from gongkai.inference.tag.rules.gazetteer import region_names

    regions = sorted(name for name in region_names() if name.endswith(("市", "区", "县")) and len(name) <= 5)
    gen = Generator(regions, seed)
    return [gen.report(i) for i in range(n)]
