"""The template's shape: its sheet, header and where figures start; writing and reading share it."""

from openpyxl.utils import get_column_letter

SHEET = "填报"
CITY_LABEL = "市级"
HEADERS = [
    "区县",
    "年度",
    "指标编号",
    "指标名称",
    "填报说明",
    "规划要求",
    "上年数值",
    "分子",
    "分母",
    "数值",
    "是否达成",
    "达成日期",
    "说明",
    "数据来源",
]
FIRST_ROW = 4
INPUT_COLUMNS = {
    "分子": "numerator",
    "分母": "denominator",
    "数值": "value",
    "是否达成": "achieved",
    "达成日期": "achieved_on",
    "说明": "note",
    "数据来源": "source",
}
COLUMN_OF_FIELD = {name: HEADERS.index(header) for header, name in INPUT_COLUMNS.items()}
YES = {"是", "yes", "y", "true", "1", "已完成", "达成"}
NO = {"否", "no", "n", "false", "0", "未完成", "未达成"}


def column_name(index: int) -> str:
    return f"{get_column_letter(index + 1)}（{HEADERS[index]}）"
