"""The evaluation as an official document (GB/T 9704): one model, three formats.

`build_document` turns an Evaluation into a `zibo_edu.lib.official.Document`: 评估概况, 主要目标
完成情况 (every target: plan value, baseline, final value, verdict), 重点任务落实情况 by chapter,
区县对比, 存在的问题, and the annex tables. The figures and verdicts are generated; the
judgements are left to people, as marked paragraphs (【待撰写：…】) in the draft. `render` gives
the PDF or the Word draft of that document, or the annex tables as an Excel workbook with
numbers as numbers.
"""

import io
import logging
from decimal import Decimal

from django.utils import timezone, translation

from reports.evaluation import (
    MOSTLY_SHARE,
    Evaluation,
    TargetEvaluation,
    Verdict,
    evaluate,
)
from reports.models import EvaluationReport
from targets.display import level
from targets.models import Target
from zibo_edu.lib import official, outbox
from zibo_edu.lib.cells import text_only
from zibo_edu.lib.official import Annex, Heading, Paragraph, Table

logger = logging.getLogger(__name__)
FORMATS = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
STATES = {"missing": "未填报", "draft": "草稿未提交", "submitted": "待审核", "returned": "已退回"}


def verdict_text(verdict: Verdict | None) -> str:
    """A verdict as the document writes it: its label in Chinese, whichever language the page
    that asked for the document was in (one wording: Verdict's labels and their translations)."""
    if not verdict:
        return "计入全市"
    with translation.override("zh-hans"):
        return str(verdict.label)


def date_text(when) -> str:
    day = timezone.localtime(when).date() if hasattr(when, "tzinfo") else when
    return f"{day.year}年{day.month}月{day.day}日"


def kind_text(evaluation: Evaluation) -> str:
    return "终期评估" if evaluation.final else "中期评估"


def unit_name(evaluation: Evaluation) -> str:
    return evaluation.district.name if evaluation.district else evaluation.plan.city.name


def file_stem(evaluation: Evaluation) -> str:
    scope = evaluation.district.slug if evaluation.district else "city"
    kind = "final" if evaluation.final else "midterm"
    return f"{evaluation.plan.slug}-evaluation-{kind}-{evaluation.year}-{scope}"


def _judged(evaluation: Evaluation, target: TargetEvaluation):
    if evaluation.district is not None:
        return target.districts.get(evaluation.district.pk)
    return target.city


def _counts_sentence(counts: list[tuple[Verdict, int]]) -> str:
    return "，".join(f"{verdict_text(v)}{n}项" for v, n in counts) or "尚无结论"


def _names(districts, of: int | None = None) -> str:
    """District names, or "全部11个" when they are all of them."""
    if not districts:
        return "—"
    if of is not None and len(districts) == of and of > 1:
        return f"全部{of}个"
    return f"{len(districts)}个：" + "、".join(d.name for d in districts)


# The document ------------------------------------------------------------------------------


def build_document(evaluation: Evaluation) -> official.Document:
    plan, kind = evaluation.plan, kind_text(evaluation)
    title = f"{plan.title}\n{kind}报告"
    if evaluation.district:
        title = f"{plan.title}\n{evaluation.district.name}{kind}报告"
    blocks = [
        *_overview(evaluation),
        *_targets_section(evaluation),
        *_tasks_section(evaluation),
        *_districts_section(evaluation),
        *_problems_section(evaluation),
    ]
    signature = f"{plan.city.name}教育局" if evaluation.district is None else ""
    return official.Document(
        title=title,
        subtitle="（初稿·供修改）",
        blocks=blocks,
        signature=signature or f"{evaluation.district.name}教育主管部门",
        date=date_text(evaluation.generated_at),
        annexes=_annexes(evaluation),
    )


def _overview(e: Evaluation) -> list:
    plan, kind = e.plan, kind_text(e)
    judged = [t for t in e.targets if _judged(e, t) is not None and _judged(e, t).verdict]
    scope = f"{e.district.name}" if e.district else f"全市及{len(e.districts)}个区县"
    document = f"（{plan.document_number}）" if plan.document_number else ""
    blocks = [
        Heading("评估概况"),
        Paragraph(
            f"根据《{plan.title}》{document}，对规划确定的{len(e.targets)}项量化指标和"
            f"{sum(len(c.tasks) for c in e.chapters)}项重点任务的落实情况开展{kind}。评估以"
            f"{plan.baseline_year}年为基期、{e.year}年为评估年度，范围为{scope}；所用数据为各区县"
            f"和市直部门填报并经牵头部门审核的年度数据，统计截至{date_text(e.generated_at)}。"
        ),
        Paragraph(_method_sentence(e)),
        Paragraph(
            f"评估结果：{_judged_sentence(len(judged), len(e.targets))}，"
            f"{_counts_sentence(e.counts)}。"
            + (
                f"目前仍有{len(e.missing)}项数据未到位（见附件2），相关指标暂按“缺最终数据”"
                "列示，待数据补齐审核后重新生成本报告。"
                if e.missing
                else "评估所需数据均已审核到位。"
            )
        ),
        Paragraph("【待撰写：规划实施的总体评价。】", "draft"),
    ]
    return blocks


def _judged_sentence(judged: int, targets: int) -> str:
    if judged == targets:
        return f"{targets}项指标中"
    return (
        f"作出结论的{judged}项指标中（另有{targets - judged}项为全市性总量指标，区县数据计入全市，"
        "不单独评定）"
    )


def _method_sentence(e: Evaluation) -> str:
    share = f"{MOSTLY_SHARE:.0%}"
    final = (
        "每项指标以其目标年度的数据作出结论：达到规划值为“已完成”；较基期完成规划要求变化量"
        f"{share}以上为“基本完成”；其余为“未完成”；目标年度数据未填报或未审核的为“缺最终数据”。"
        "时间节点类任务按期完成为“已完成”，逾期完成为“逾期完成”；“每个区县”类指标按达到要求的"
        f"区县数评定，{share}以上区县达到为“基本完成”。"
    )
    if e.final:
        return "评估方法：" + final
    return (
        "评估方法：目标年度已到的指标，" + final + f"目标年度在{e.year}年之后的指标，按与平台"
        "进度看板相同的方法，以基期到目标年度的直线路径判断进度：已达到规划值为“已完成”，实际进展"
        "达到路径要求的95%以上为“进展正常”，60%至95%为“需加快”，不足60%或倒退为“明显滞后”。"
    )


def _targets_section(e: Evaluation) -> list:
    rows = []
    for number, target in enumerate(e.targets, 1):
        judged = _judged(e, target)
        rows.append(
            [
                str(number),
                f"{target.target.name}",
                _plan_value(target),
                target.baseline if e.district is None else _district_baseline(target, judged),
                judged.shown if judged else "—",
                _verdict_with_goal(judged),
            ]
        )
    column = "终期值" if e.final else "评估值"
    blocks = [
        Heading("主要目标完成情况"),
        Paragraph(
            f"规划{len(e.targets)}项量化指标{kind_text(e)}结论见下表（数值后括号内为所依据数据的"
            "年度，表示目标年度数据尚未到位）。" + _goal_sentence(e)
        ),
        Table(
            ["序号", "指标", "规划目标", f"基期值（{e.plan.baseline_year}）", column, "结论"],
            rows,
            caption=f"表1  主要目标{kind_text(e)}结论",
            widths=[0.7, 3.6, 2.3, 1.8, 3.2, 2.3],
        ),
    ]
    for chapter in e.chapters:
        counts = [(v, n) for v, n in chapter.counts if n]
        if chapter.targets:
            blocks.append(
                Paragraph(
                    f"{chapter.part.title}：{len(chapter.targets)}项指标，"
                    f"{_counts_sentence(counts)}。"
                )
            )
    blocks.append(Paragraph("【待撰写：对主要目标完成情况的分析。】", "draft"))
    return blocks


def _plan_value(target: TargetEvaluation) -> str:
    """The plan's words, and for an adjusted target the original and the adjusted value."""
    text = target.target.value_text
    if target.adjusted:
        text += f"（原{target.adjusted[0]}，调整为{target.adjusted[1]}）"
    return text


def _verdict_with_goal(judged) -> str:
    """The verdict, and the value it used where it is not the plan's own city value."""
    if not judged:
        return "—"
    text = verdict_text(judged.verdict)
    if judged.goal and judged.progress.goal_basis in ("adjusted", "district"):
        text += f"（{judged.goal}）"
    return text


def _goal_sentence(e: Evaluation) -> str:
    """Which value the verdicts used, said once (each other verdict: the city's value)."""
    adjusted = [t for t in e.targets if t.adjusted]
    decomposed = [t for t in e.targets if t.district_values]
    if not adjusted and not decomposed:
        return "各项结论均按全市目标判定。"
    parts = ["结论按全市目标判定"]
    if adjusted:
        parts.append(f"经规划调整的{len(adjusted)}项指标按调整后目标判定，表中列出原目标")
    if decomposed:
        names = "；".join(f"{t.target.name}：{t.district_values}" for t in decomposed)
        parts.append(f"分解到区县的{len(decomposed)}项指标，区县按各自分解目标判定（{names}）")
    return "，".join(parts) + "。"


def _district_baseline(target: TargetEvaluation, judged) -> str:
    series = judged.progress.series if judged else {}
    if not series or target.target.kind in (Target.Kind.MILESTONE, Target.Kind.ANNUAL_CHANGE):
        return "—"
    return level(target.target, series[min(series)])


NO_TASK_REPORT = "【待撰写：本任务落实情况（任务台账尚无审核通过的任务报告）。】"


def _tasks_section(e: Evaluation) -> list:
    blocks = [Heading("重点任务落实情况")]
    for chapter in e.chapters:
        blocks.append(Heading(chapter.part.title, 2))
        for task in chapter.tasks:
            lead = task.lead_department.name if task.lead_department else "—"
            blocks.append(Heading(f"{task.task.title}（牵头：{lead}）", 3))
            if task.targets:
                parts = []
                for target in task.targets:
                    judged = _judged(e, target)
                    verdict = verdict_text(judged.verdict) if judged else "—"
                    parts.append(f"{target.target.name}（{verdict}）")
                text = f"涉及指标{len(task.targets)}项：" + "；".join(parts) + "。"
            else:
                text = "本任务未设量化指标。"
            blocks.append(Paragraph(text))
            # 落实情况: the lead department's approved report in the task ledger, else a gap
            blocks.extend(Paragraph(report) for report in task.reports)
            if not task.reports:
                blocks.append(Paragraph(NO_TASK_REPORT, "draft"))
        blocks.append(Paragraph(f"【待撰写：{chapter.part.title}落实情况的评价。】", "draft"))
    return blocks


def _districts_section(e: Evaluation) -> list:
    if e.district is not None:
        return []
    with translation.override("zh-hans"):
        rows = [
            [row.district.name, str(row.judged), *(str(n) for n in numbers), row.share_text]
            for row, numbers in e.district_table
        ]
    blocks = [
        Heading("区县对比"),
        Table(
            ["区县", "评估指标数", *(verdict_text(v) for v in e.district_columns), "完成率"],
            rows,
            caption="表2  各区县指标完成情况",
            numeric=set(range(1, 3 + len(e.district_columns))),
        ),
        Paragraph(
            "完成率为已完成、逾期完成、基本完成（中期评估另含进展正常）的指标占已作出结论指标数"
            "的比例（缺最终数据、缺数据的指标不计入，另列于尚缺数据；作出结论的指标不足半数的"
            "区县不计完成率，注明缺数据项数）；"
            "全市性总量指标的区县数据计入全市，不单独评定。"
        ),
    ]
    behind = e.furthest_behind
    if behind:
        names = "、".join(f"{r.district.name}（{len(r.shortfalls)}项未达要求）" for r in behind)
        blocks.append(Paragraph(f"进展相对滞后的区县：{names}。"))
    else:
        blocks.append(Paragraph("各区县目前情况相同，暂无法比较先后（多为最终数据尚未到位）。"))
    blocks.append(Paragraph("【待撰写：区县间差异及原因分析。】", "draft"))
    return blocks


def _problems_section(e: Evaluation) -> list:
    short = [
        t
        for t in e.targets
        if _judged(e, t) and _judged(e, t).verdict in (Verdict.NOT_DONE, Verdict.LAGGING)
    ]
    blocks = [Heading("存在的问题")]
    if short:
        names = "、".join(t.target.name for t in short)
        blocks.append(Paragraph(f"未完成或明显滞后的指标{len(short)}项：{names}。"))
    if e.missing:
        units = {m.district.name if m.district else "市级" for m in e.missing}
        blocks.append(
            Paragraph(
                f"数据尚不完整：{len(e.missing)}项评估所需数据未填报或未审核，涉及{len(units)}个"
                "填报单位，明细见附件2。"
            )
        )
    blocks.append(Paragraph("【待撰写：存在的主要问题及原因。】", "draft"))
    blocks.append(Paragraph("【待撰写：下一步工作建议。】", "draft"))
    return blocks


BINDING_TEXT = {"binding": "约束性", "expected": "预期性", "": "未标注"}


def binding_text(target: Target) -> str:
    """The 属性 column of the annex, in the document's words whatever the reader's language."""
    return BINDING_TEXT[target.binding]


def _annexes(e: Evaluation) -> list[Annex]:
    if e.district is None:
        header = ["序号", "指标", "属性", "牵头部门", "全市结论", "达到要求的区县",
                  "基本完成的区县", "未达到的区县", "缺数据的区县"]  # fmt: skip
        rows = []
        for n, t in enumerate(e.targets, 1):
            judged = bool(t.districts) and _judges_districts(t)
            lead = t.target.lead_department
            rows.append(
                [
                    str(n),
                    t.target.name,
                    binding_text(t.target),
                    lead.name if lead else "—",
                    _verdict_with_goal(t.city),
                ]
                + [
                    _names(group, len(e.districts)) if judged else "—"
                    for group in (t.met, t.mostly, t.short, t.lacking)
                ]
            )
        widths = [0.7, 2.6, 1.1, 1.5, 1.3, 2.2, 1.8, 2.0, 1.8]
    else:
        header = [
            "序号",
            "指标",
            "属性",
            "牵头部门",
            f"{e.district.name}数值",
            "区县结论",
            "全市结论",
        ]
        rows = []
        for n, t in enumerate(e.targets, 1):
            judged = t.districts.get(e.district.pk)
            rows.append(
                [
                    str(n),
                    t.target.name,
                    binding_text(t.target),
                    t.target.lead_department.name if t.target.lead_department else "—",
                    judged.shown if judged else "—",
                    _verdict_with_goal(judged),
                    _verdict_with_goal(t.city),
                ]
            )
        widths = [0.7, 3.4, 1.1, 1.5, 2, 1.6, 1.6]
    annexes = [
        Annex("附件1", "指标完成情况明细表", [Table(header, rows, widths=widths)]),
    ]
    missing_rows = [
        [str(n), target.name, str(year), "、".join(units)]
        for n, ((target, year), units) in enumerate(_missing_by_target(e).items(), 1)
    ]
    annexes.append(
        Annex(
            "附件2",
            "完成评估尚缺的数据",
            [
                Paragraph(
                    f"共{len(e.missing)}项数据未填报或未审核（括号内为数据状态）；逐项清单见"
                    "Excel附表“尚缺数据”。",
                    "plain",
                ),
                Table(["序号", "指标", "年度", "填报单位"], missing_rows, widths=[0.7, 4, 1, 7]),
            ]
            if missing_rows
            else [Paragraph("评估所需数据均已审核到位。")],
        )
    )
    return annexes


def _missing_by_target(e: Evaluation) -> dict:
    grouped: dict = {}
    for m in e.missing:
        unit = m.district.name if m.district else "市级"
        grouped.setdefault((m.target, m.year), []).append(f"{unit}（{STATES[m.state]}）")
    return grouped


def _judges_districts(target: TargetEvaluation) -> bool:
    return any(j.verdict is not None for j in target.districts.values())


# Excel -------------------------------------------------------------------------------------


def annex_workbook(e: Evaluation) -> bytes:
    """The annex tables as Excel: figures as numbers (percentages as numbers of percent), so
    the bureau can sort, sum and chart them."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "主要目标"
    unit = e.district.name if e.district else "全市"
    sheet.append(["编号", "指标", "章节", "牵头部门", "类型", "规划目标", "规划值", "单位",
                  f"基期值（{e.plan.baseline_year}）", "评估值", "评估值年度", "目标年度",
                  f"{unit}结论", "属性", "结论所依据的目标", "原规划目标（调整前）"])  # fmt: skip
    for t in e.targets:
        judged = _judged(e, t)
        target = t.target
        series = judged.progress.series if judged else {}
        baseline = series[min(series)] if series else None
        sheet.append(
            [
                target.code,
                target.name,
                target.task.part.title,
                target.lead_department.name if target.lead_department else "",
                target.get_kind_display(),
                target.value_text,
                _number(target.value),
                target.unit,
                _number(baseline) if target.kind != Target.Kind.MILESTONE else None,
                _number(judged.progress.value) if judged and not judged.progress.count else None,
                judged.year if judged else None,
                target.deadline_year,
                verdict_text(judged.verdict) if judged else "",
                binding_text(target),
                judged.goal if judged else "",
                t.adjusted[0] if t.adjusted else "",
            ]
        )
    if e.district is None:
        districts = workbook.create_sheet("区县明细")
        districts.append(["编号", "指标", *(d.name for d in e.districts)])
        for t in e.targets:
            cells = [t.districts.get(d.pk) for d in e.districts]
            districts.append(
                [t.target.code, t.target.name]
                + [verdict_text(c.verdict) if c else "" for c in cells]
            )
        values = workbook.create_sheet("区县数值")
        values.append(["编号", "指标", "年度", *(d.name for d in e.districts)])
        for t in e.targets:
            if not t.districts or not _judges_districts(t):
                continue
            cells = [t.districts.get(d.pk) for d in e.districts]
            values.append(
                [t.target.code, t.target.name, t.judged_year]
                + [
                    _number(c.progress.value) if c and c.year == t.judged_year else None
                    for c in cells
                ]
            )
        comparison = workbook.create_sheet("区县对比")
        words = [verdict_text(v) for v in e.district_columns]
        comparison.append(["区县", "评估指标数", *words, "完成率（%）"])
        for row, numbers in e.district_table:
            comparison.append([row.district.name, row.judged, *numbers, _number(row.share)])
    missing = workbook.create_sheet("尚缺数据")
    missing.append(["编号", "指标", "填报单位", "年度", "状态"])
    for m in e.missing:
        missing.append([m.target.code, m.target.name, m.district.name if m.district else "市级",
                        m.year, STATES.get(m.state, m.state)])  # fmt: skip
    for ws in workbook.worksheets:
        ws.freeze_panes = "A2"
        for cell in ws[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        for index, column in enumerate(ws.columns, 1):
            longest = max(len(str(c.value or "")) for c in column)
            ws.column_dimensions[get_column_letter(index)].width = min(40, max(8, longest * 2))
    text_only(workbook)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _number(value: Decimal | None) -> float | int | None:
    if value is None:
        return None
    rounded = round(value, 2)
    return int(rounded) if rounded == rounded.to_integral_value() else float(rounded)


# One entry point for the three formats -----------------------------------------------------


def render(evaluation: Evaluation, fmt: str) -> bytes:
    if fmt == "xlsx":
        return annex_workbook(evaluation)
    document = build_document(evaluation)
    if fmt == "docx":
        return official.render_docx(document)
    if fmt == "pdf":
        return official.render_pdf(document)
    raise ValueError(f"unknown format {fmt!r}: pdf, docx or xlsx")


def build_report(pk: int) -> bool:
    """Build an archived evaluation: claim it (queued → building, exactly one row, so a retry
    or a second worker never builds it twice), render, store. False when not claimed or failed."""
    claimed = outbox.claim(
        EvaluationReport, pk, EvaluationReport.State.QUEUED, EvaluationReport.State.BUILDING
    )
    if claimed is None:
        return False
    report = EvaluationReport.objects.select_related("plan__city", "district").get(pk=pk)
    try:
        evaluation = evaluate(report.plan, report.year, district=report.district)
        data = render(evaluation, report.format)
    except Exception as error:  # kept on the row for the archive; the worker goes on
        logger.exception("evaluation report %s failed", pk)
        outbox.move(
            claimed, EvaluationReport.State.FAILED,
            error=str(error)[:2000], finished_at=timezone.now(),
        )  # fmt: skip
        return False
    # Through the claim: if the sweep took the row back meanwhile, the run holding it now
    # finishes instead.
    done = outbox.move(claimed, EvaluationReport.State.DONE, file=data, finished_at=timezone.now())
    return done == 1
