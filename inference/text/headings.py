"""What the three layouts' headings look like (FORMAT.md), shared by the splitter and the
section tagger. Patterns read the normalised view: Simplified script, half-width digits
and punctuation."""
from __future__ import annotations

import re

from gongkai.markers import CN_DIGITS

# Heading phrases per section label, most specific first: 行政复议 headings contain 申请,
# 收费 headings may contain 依申请, so order matters.
_PHRASES: list[tuple[str, str]] = [
    ("review_litigation",
     r"(?:因)?(?:政府信息公开(?:工作|申请)?)?(?:而)?(?:被)?(?:申请)?行政复议[、,和及与或\s]*(?:提起|引发)?(?:行政诉讼|诉讼)(?:和?申诉)?(?:的)?(?:情况|统计)?"
     r"|(?:因政府信息公开(?:工作|申请)?)?(?:被)?(?:申请)?行政复议(?:的)?情况|行政诉讼(?:的)?情况|申诉情况"),
    ("fees",
     r"(?:政府信息公开(?:工作)?(?:的)?)?(?:收费|费用)(?:及|和|与)?(?:减免|支出)?(?:的)?情况|支出和收费(?:的)?情况|收取费用(?:的)?情况"),
    ("requests",
     r"收到和处理政府信息公开申请(?:的)?情况|(?:政府信息)?依申请公开(?:政府信息)?(?:工作|办理)?(?:的)?情况|依申请公开"
     r"|政府信息公开申请(?:办理|受理)?(?:的)?情况|(?:政府信息)?不予公开(?:的)?情况|收到和处理政府信息申请(?:的)?情况"),
    ("proactive",
     r"主动公开政府信息(?:的)?情况|政府信息主动公开(?:工作)?(?:的)?情况|主动公开(?:工作)?(?:的)?情况|主动公开政府信息"),
    ("problems",
     r"(?:政府信息公开工作)?存在的(?:主要)?问题(?:及|和|与)?(?:改进|整改)?(?:情况|措施|方向)?|主要问题(?:及|和)改进(?:措施|情况)"
     r"|存在的不足(?:及|和)?(?:改进措施)?|主要问题|(?:下一步|下年度)(?:工作)?(?:打算|计划|安排|思路)|改进(?:措施|情况)"),
    ("other", r"其他需要报告的(?:事项|情况)|其他需要说明的事项|其他事项|(?:附件|附表)|统计表"),
    ("overview",
     r"(?:政府信息公开(?:工作)?)?总体(?:公开)?情况|概述|基本情况|工作概况|总体工作情况"
     r"|政务舆情(?:回应|处置)|互联网\s*\+\s*政务服务|制度(?:机制)?建设|组织(?:领导|保障)|(?:公开)?平台建设|咨询(?:服务|处理)"
     r"|工作机制(?:保障)?|政府信息管理|监督保障|政策解读|重点领域(?:信息)?公开|机构建设|保障措施"),
]
PHRASES: list[tuple[str, re.Pattern]] = [(label, re.compile(p)) for label, p in _PHRASES]

# The six standard headings of the 2019/2021 layouts, for format detection.
STANDARD_HEADINGS = re.compile(
    r"总体情况|主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议、?行政诉讼情况|存在的主要问题及改进情况|其他需要报告的事项"
)

_ALL = "|".join(f"(?:{p})" for _, p in _PHRASES)
# A top-level heading written inline (one-line crawls): marker + a known phrase.
INLINE_TOP_HEADING = re.compile(rf"[{CN_DIGITS}]{{1,2}}\s*、\s*(?:{_ALL}|[^。；、]{{0,30}}?统计表)")
# A legacy statistics appendix and its table, written inline: 附件1：…情况统计表 指标名称 …
INLINE_APPENDIX = re.compile(r"(?:附件\d*[:：]?\s*)?[\u4e00-\u9fff\d]{0,30}?情况统计表|指标名称")


def heading_label(heading_text: str, at_start: bool = False) -> str | None:
    """The section a heading's words name, or None. `heading_text` is without its marker."""
    head = heading_text.strip()[:40]
    if len(heading_text.strip()) <= 40 and re.search(r"(?:统计表|附表|统计表格)\s*$", heading_text):
        return "other"  # 平潭综合实验区政府信息公开情况统计表 (legacy appendix)
    for label, pattern in PHRASES:
        m = pattern.search(head)
        if m and m.start() <= (0 if at_start else 12):
            return label
    return None


# Site chrome, publication metadata and title lines (sections and record both read them).
CHROME = re.compile(
    r"版权所有|ICP备|ICP证|公网安备|网站标识码|扫一扫|在手机(?:上)?打开|返回顶部|返\s*回|顶\s*部|关闭窗口|打印本页|【打印】|分享到"
    r"|^(?:打印|关闭|收藏|分享|纠错|上一篇|下一篇|相关链接|关联稿件|官方微信|官方微博|新区头条|网站地图|联系我们|主办单位|承办单位)"
    r"|^[-—–－]\s*\d{1,3}\s*[-—–－]$|读取内容中|QQ空间|全真版|文字版|^附件下载|^相关链接|^当前位置|^您现在的位置|^首页\s*[>›»]|^[-—_=*·\s]+$|^【\s*大\s*中\s*小\s*】|^字体[:：]?\s*[大中小]"
)
METADATA = re.compile(r"^\s*(?:来源|时间|发布时间|发布日期|日期|发布机构|字号|作者|浏览|点击|信息来源|索引号|文号|主题分类|成文日期)\s*[:：]")
TITLE = re.compile(r"(?:年度?|年)?.{0,20}(?:信息公开|政务公开).{0,12}(?:年度报告|工作报告|年报|报告)|年度报告")
SENTENCE = re.compile(r"[。；;!！?？]")



def find_title(texts: list[str], body: list[int]) -> int | None:
    """Index of the paragraph where the title starts (it may wrap over two lines)."""
    for i in body[:8]:
        if len(texts[i]) <= 80 and TITLE.search(texts[i]) and not METADATA.match(texts[i]) and not CHROME.search(texts[i]):
            prev = i - 1
            wrapped = not re.search(r"\d{4}", texts[i]) or re.match(r"\s*\d{4}\s*年", texts[i])
            if wrapped and prev in body and is_title_part(texts[prev]):
                return prev
            return i
    return None


def is_title_part(text: str) -> bool:
    return (len(text) <= 40 and not SENTENCE.search(text) and not METADATA.match(text)
            and not CHROME.search(text) and text.strip() not in ("正文", "政府信息公开"))


