"""A county's 督导 evaluation as an official document (GB/T 9704, zibo_edu.lib.official): the
standing, the indicators and their thresholds, the schools below the standard, the recorded
items, and an annex of every school's values; as PDF, Word, or the annex tables as Excel with
numbers as numbers."""

import io

from django.utils import timezone

from inspections.evaluation import CountyEvaluation
from inspections.models import Kind, Status
from inspections.serialize import number
from zibo_edu.lib import official
from zibo_edu.lib.cells import text_only
from zibo_edu.lib.official import Annex, Heading, Paragraph, Table

FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STANDING = {
    "certified": "已通过国家督导评估认定",
    "ready": "各项指标均已达到，具备申报评估条件",
    "gaps": "尚未达到评估要求",
}
STATUS = {Status.MET: "达到", Status.NOT_MET: "未达到", Status.NOT_ASSESSED: "未评估"}
TITLES = {Kind.BALANCED: "县域义务教育优质均衡发展", Kind.PRESCHOOL: "县域学前教育普及普惠"}


def f3(value) -> str:
    return "—" if value is None else f"{float(value):.3f}"


def f2(value) -> str:
    return "—" if value is None else f"{float(value):.2f}"


def file_name(e: CountyEvaluation, fmt: str) -> str:
    return official.file_name(f"inspection-{e.kind}-{e.district.slug}-{e.school_year}", fmt)


def build_document(e: CountyEvaluation) -> official.Document:
    today = timezone.localdate()
    blocks = [
        Paragraph(
            f"依据{e.standard.document}（本报告按{e.standard.version}版标准、"
            f"{e.standard.valid_from:%Y-%m-%d}起施行的口径评判），根据{e.school_year}学年教育事业统计"
            f"（统计时点{e.school_year}年9月1日）和市教育局记录的评估内容，对{e.district.name}"
            f"{TITLES[e.kind]}情况测算如下。"
        ),
        Heading("总体情况"),
        Paragraph(
            f"{e.district.name}{STANDING[e.standing]}。"
            + ("主要差距：" + "；".join(e.gaps) + "。" if e.gaps else "")
        ),
    ]
    blocks += _balanced(e) if e.kind == Kind.BALANCED else _preschool(e)
    blocks += _items(e)
    blocks.append(Heading("下一步工作"))
    blocks.append(Paragraph("【待撰写：针对上述差距的整改措施、责任单位和完成时限】", "draft"))
    annexes = [Annex("附件", "学校（幼儿园）指标明细", _annex(e))]
    return official.Document(
        title=f"{e.district.name}{e.school_year}学年\n{TITLES[e.kind]}督导评估测算报告",
        subtitle="（初稿·供修改）",
        blocks=blocks,
        signature=f"{e.district.city.name}教育局",
        date=f"{today.year}年{today.month}月{today.day}日",
        annexes=annexes,
    )


def _balanced(e: CountyEvaluation) -> list:
    r = e.resources
    blocks: list = [Heading("资源配置")]
    if not r.levels:
        blocks.append(Paragraph("本学年无义务教育学校统计数据，无法测算。"))
    for level in r.levels:
        blocks.append(Heading(f"{level.label}", level=2))
        blocks.append(
            Paragraph(
                f"参评{level.label}（含一贯制学校、完全中学的{level.label}学段）{len(level.verdicts)}所，"
                f"资源配置达标{len(level.verdicts) - len(level.failing)}所，"
                f"未达标{len(level.failing)}所；"
                f"7项指标校际差异系数超过{level.dispersions[0].threshold:.2f}的有"
                f"{sum(1 for d in level.dispersions if not d.meets)}项。"
            )
        )
        blocks.append(
            Table(
                header=["指标", "标准", "均值", "差异系数", "上限", "差距", "结论"],
                rows=[
                    [
                        d.indicator.name,
                        f"{d.required:g}",
                        f2(d.mean),
                        f3(d.cv),
                        f"{d.threshold:.2f}",
                        f3(d.gap),
                        "达标" if d.meets else "超标",
                    ]
                    for d in level.dispersions
                ],
                caption=f"{level.label}资源配置指标校际差异系数",
                widths=[4.4, 1.3, 1.7, 1.6, 1.2, 1.5, 1.2],
                numeric={1, 2, 3, 4, 5},
            )
        )
        if level.failing:
            blocks.append(
                Table(
                    header=["学校", "达标项数", "未达标指标（值/标准）"],
                    rows=[
                        [
                            v.section.name,
                            str(v.met),
                            "；".join(
                                f"{s.indicator.name}{f2(s.value)}/{f2(s.standard)}"
                                for s in v.shortfalls
                            ),
                        ]
                        for v in level.failing
                    ],
                    caption=f"{level.label}资源配置未达标学校",
                    widths=[3, 1.2, 6],
                    numeric={1},
                )
            )
    if r.unjudged:
        blocks.append(
            Paragraph(
                "以下一贯制学校或完全中学无分年级在校生数，未能分学段测算："
                + "、".join(r.unjudged)
                + "。"
            )
        )
    return blocks


def _preschool(e: CountyEvaluation) -> list:
    c = e.coverage
    rows = [
        [
            m.indicator.name,
            f2(m.value),
            m.indicator.threshold_text,
            {True: "达标", False: "未达标", None: "无法计算"}[m.meets],
        ]
        for m in c.measures
    ]
    blocks: list = [
        Heading("普及普惠水平及保教质量保障量化指标"),
        Paragraph(
            f"参评幼儿园{c.kindergartens}所。"
            + (
                f"{e.standard.population_name}{f2(e.population.value)}人。"
                if e.population and e.population.value
                else f"尚未记录{e.standard.population_name}，学前三年毛入园率无法计算。"
            )
        ),
        Table(
            header=["指标", "数值", "标准", "结论"],
            rows=rows,
            caption="量化指标",
            widths=[6, 1.5, 1.5, 1.5],
            numeric={1},
        ),
    ]
    for m in c.measures:
        if m.outside:
            shown = m.outside[:20]
            more = f"等{len(m.outside)}所" if len(m.outside) > len(shown) else ""
            blocks.append(
                Paragraph(
                    f"{m.indicator.name}未达到{m.indicator.threshold_text}的幼儿园："
                    + "、".join(f"{k.name}（{f2(k.value)}）" for k in shown)
                    + more
                    + "。"
                )
            )
    return blocks


def _items(e: CountyEvaluation) -> list:
    blocks: list = []
    parts: dict[str, list] = {}
    for row in e.items:
        parts.setdefault(row.part_name, []).append(row)
    for name, rows in parts.items():
        blocks.append(Heading(name))
        blocks.append(
            Table(
                header=["序号", "评估内容", "结论", "说明"],
                rows=[
                    [str(r.number), r.text, STATUS[r.status], r.item.note if r.item else ""]
                    for r in rows
                ],
                widths=[0.8, 7, 1.2, 3],
                numeric={0},
            )
        )
    blocks.append(Heading(e.standard.recognition_name))
    value = e.recognition_value
    blocks.append(
        Paragraph(
            f"{e.standard.recognition_name}调查结果为{f2(value)}%，"
            f"{'达到' if e.recognition_passes else '未达到'}{e.standard.recognition_min}%的要求。"
            if value is not None
            else f"{e.standard.recognition_name}尚未调查"
            f"（要求不低于{e.standard.recognition_min}%）。"
        )
    )
    return blocks


def _annex(e: CountyEvaluation) -> list:
    if e.kind == Kind.PRESCHOOL:
        return [
            Paragraph(
                f"{m.indicator.name}：全县{f2(m.numerator)} / {f2(m.denominator)} = {f2(m.value)}",
                "plain",
            )
            for m in e.coverage.measures
        ]
    blocks: list = []
    for level in e.resources.levels:
        keys = [ind for ind in e.standard.indicators]
        blocks.append(
            Table(
                header=["学校", "学生数", *[str(i + 1) for i in range(len(keys))], "结论"],
                rows=[
                    [
                        v.section.name,
                        str(v.section.students),
                        *[f2(v.section.values.get(ind.key)) for ind in keys],
                        "达标" if v.passes else "未达标",
                    ]
                    for v in level.verdicts
                ],
                caption=f"{level.label}（指标1—7依次为："
                + "；".join(f"{n + 1}.{ind.name}" for n, ind in enumerate(keys))
                + "）",
                widths=[3.2, 1.2, *[1] * len(keys), 1.2],
                numeric=set(range(1, len(keys) + 2)),
            )
        )
    return blocks


def annex_workbook(e: CountyEvaluation) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    first = workbook.active
    if e.kind == Kind.BALANCED:
        first.title = "差异系数"
        first.append(["学段", "指标", "单位", "标准", "均值", "标准差", "差异系数", "上限", "结论"])
        for level in e.resources.levels:
            for d in level.dispersions:
                first.append(
                    [
                        level.label,
                        d.indicator.name,
                        d.indicator.unit,
                        number(d.indicator.standard[level.level]),
                        number(d.mean),
                        number(d.sd),
                        number(d.cv),
                        d.threshold,
                        "达标" if d.meets else "超标",
                    ]
                )
        schools = workbook.create_sheet("学校指标值")
        names = [ind.name for ind in e.standard.indicators]
        schools.append(["学段", "学校标识码", "学校", "学生数", *names, "达标项数", "结论"])
        for level in e.resources.levels:
            for v in level.verdicts:
                schools.append(
                    [
                        level.label,
                        v.section.code,
                        v.section.name,
                        v.section.students,
                        *[number(v.section.values.get(i.key)) for i in e.standard.indicators],
                        v.met,
                        "达标" if v.passes else "未达标",
                    ]
                )
    else:
        first.title = "量化指标"
        first.append(["指标", "分子", "分母", "数值", "标准", "结论"])
        for m in e.coverage.measures:
            first.append(
                [
                    m.indicator.name,
                    number(m.numerator),
                    number(m.denominator),
                    number(m.value),
                    m.indicator.threshold_text,
                    {True: "达标", False: "未达标", None: "无法计算"}[m.meets],
                ]
            )
        outside = workbook.create_sheet("未达标幼儿园")
        outside.append(["指标", "学校标识码", "幼儿园", "数值", "标准"])
        for m in e.coverage.measures:
            for k in m.outside:
                outside.append(
                    [m.indicator.name, k.code, k.name, number(k.value), m.indicator.threshold_text]
                )
    items = workbook.create_sheet("评估内容")
    items.append(["部分", "序号", "评估内容", "结论", "说明"])
    for row in e.items:
        items.append(
            [
                row.part_name,
                row.number,
                row.text,
                STATUS[row.status],
                row.item.note if row.item else "",
            ]
        )
    items.append(
        [
            e.standard.recognition_name,
            None,
            f"不低于{e.standard.recognition_min}%",
            number(e.recognition_value),
            "",
        ]
    )
    for sheet in workbook.worksheets:
        sheet.freeze_panes = "A2"
        for cell in sheet[1]:
            cell.font = Font(bold=True)
    text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def render(e: CountyEvaluation, fmt: str) -> bytes:
    if fmt == "xlsx":
        return annex_workbook(e)
    built = build_document(e)
    if fmt == "docx":
        return official.render_docx(built)
    if fmt == "pdf":
        return official.render_pdf(built)
    raise ValueError(f"unknown format {fmt!r}: pdf, docx or xlsx")
