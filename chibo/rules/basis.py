"""Căn cứ quy định: the rule set and the meeting rubrics in force on a date, and what chibo
checks under them (issue 17). Read from the data (``RuleSet``, ``Rubric``) and from the
checks' ``SOURCES``, so the page and ``/api/v1/rules`` say exactly what a finding of that
date was judged by; two dates side by side show what a change of regime changed.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils.text import capfirst

from chibo.compliance.checks import SOURCES
from chibo.meetings.models import Rubric
from chibo.orgs.models import TermPolicy
from chibo.rules.models import RuleSet

# What each check of ``checks.py`` looks at, in chibo's words; ``{field}`` is a value of the
# rule set in force. Keys are exactly the rule IDs of ``SOURCES`` (a test holds them equal).
CHECKED = {
    "R-ORG-01": "Chi bộ có ít nhất {min_official} đảng viên chính thức.",
    "R-ORG-04": "Chi bộ có Bí thư; dưới {committee_from} đảng viên chính thức thì nhiều nhất một "
    "Phó Bí thư; từ {committee_from} trở lên thì có chi ủy, không quá {committee_max} người.",
    "R-ORG-06": "Đại hội chi bộ đúng nhiệm kỳ ({term_policy}); báo trước {term_warn_days} ngày.",
    "R-MEM-05": "Dự bị {probation_months} tháng kể từ lễ kết nạp; chi bộ xét công nhận chính thức "
    "trong {recognition_window_days} ngày làm việc sau khi hết dự bị; báo trước "
    "{probation_warn_days} ngày.",
    "R-MEM-09": "Chuyển sinh hoạt chính thức: nộp giấy giới thiệu trong 30 ngày làm việc, hoàn "
    "thành thủ tục trong 60 ngày làm việc.",
    "R-MEM-12": "Vắng sinh hoạt không lý do {removal_months} tháng trong một năm: xem xét xóa tên.",
    "R-MTG-01": "Mỗi tháng có một buổi sinh hoạt thường kỳ.",
    "R-MTG-02": "Mỗi quý có ít nhất {thematic_per_quarter} buổi sinh hoạt chuyên đề; {combined}.",
    "R-MTG-03": "Thời lượng buổi sinh hoạt theo khung đánh giá của tỉnh (bảng dưới).",
    "R-MTG-12": "Tiêu chí 1: tỷ lệ dự họp trên ngưỡng, không ai vắng không lý do, không ai vắng "
    "có lý do quá số lần liên tiếp của khung đánh giá (bảng dưới).",
    "F-6": "Cấp ủy viên cấp trên được phân công theo dõi không vắng {superior_absent_in_a_row} "
    "buổi sinh hoạt liên tiếp.",
    "R-POL-02": "Chỉ đảng viên là công an chính quy của xã sinh hoạt ở chi bộ Công an xã.",
    "F-7": "Chi bộ có quy chế làm việc còn hiệu lực.",
    "F-8": "Mỗi đảng ủy xã có nghị quyết về an ninh, trật tự của năm (do chi bộ Công an xã tham "
    "mưu) trước hạn cấu hình CHIBO_SECURITY_RESOLUTION_BY.",
    "F-9": "Chi bộ học tập, quán triệt văn bản của cấp trên cho mọi đảng viên đúng hạn kế hoạch "
    "(có mặt, học bù hoặc tự học đã xác nhận).",
    "BRIEF": "Kiến nghị và nhiệm vụ theo thông báo kết luận hội nghị trực báo được trả lời, "
    "hoàn thành đúng hạn.",
}

# The rule-set values shown and compared, in order, with their labels.
PARAMETERS = [
    "regulation",
    "meeting_guide",
    "min_official",
    "committee_from",
    "committee_max",
    "probation_months",
    "recognition_window_days",
    "probation_warn_days",
    "removal_months",
    "term_policy",
    "term_warn_days",
    "thematic_per_quarter",
    "combined_counts_both",
    "superior_absent_in_a_row",
]


@dataclass
class Check:
    rule_id: str
    checks: str
    source: str


@dataclass
class Basis:
    """What was in force on ``on``."""

    on: dt.date
    rule_set: RuleSet
    sources: list[str]
    checks: list[Check]
    rubrics: list[Rubric]
    parameters: list[tuple[str, str, str]] = field(default_factory=list)  # (field, label, value)

    @property
    def stored(self) -> bool:
        """False when no rule set covers the date and chibo falls back to its defaults."""
        return self.rule_set.pk is not None


def _value(rules: RuleSet, name: str) -> str:
    value = getattr(rules, name)
    if name == "term_policy":
        return TermPolicy(value).label
    if isinstance(value, bool):
        return "Có" if value else "Không"
    return str(value)


def in_force(on: dt.date) -> Basis:
    """The rule set and rubrics holding on ``on``; a fixed number of queries."""
    rules = RuleSet.on(on)
    values = {name: _value(rules, name) for name in PARAMETERS}
    values["combined"] = (
        "một buổi kết hợp được tính cả thường kỳ và chuyên đề"
        if rules.combined_counts_both
        else "buổi chuyên đề không thay buổi thường kỳ"
    )
    checks = [
        Check(
            rule_id,
            # A check added without its wording still shows (the test asks for one).
            CHECKED.get(rule_id, "Xem danh mục quy định (docs/rules.md).").format(**values),
            SOURCES[rule_id].format(guide=rules.meeting_guide) + f"; {rules.regulation}",
        )
        for rule_id in SOURCES
    ]
    rubrics = list(
        Rubric.objects.on(on).select_related("province").order_by("province_id", "valid_from")
    )
    labels = {f.name: capfirst(f.verbose_name) for f in RuleSet._meta.get_fields() if f.concrete}
    return Basis(
        on=on,
        rule_set=rules,
        sources=[line.strip() for line in rules.sources.splitlines() if line.strip()],
        checks=checks,
        rubrics=rubrics,
        parameters=[(name, labels[name], values[name]) for name in PARAMETERS],
    )


@dataclass
class Row:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def _rubric_text(rubrics: list[Rubric]) -> str:
    return "; ".join(
        f"{r.name}: trên {r.attendance_above}%, {r.min_minutes}/{r.min_minutes_combined} phút"
        for r in rubrics
    )


def compare(before: Basis, after: Basis) -> list[Row]:
    """Every line of the two dates, side by side: the rule set, its documents, its values,
    each check's wording and source, the rubrics."""
    rows = [
        Row("Bộ quy định", before.rule_set.name, after.rule_set.name),
        Row("Văn bản căn cứ", "\n".join(before.sources), "\n".join(after.sources)),
    ]
    rows += [
        Row(label, a, b)
        for (_n, label, a), (_m, _l, b) in zip(before.parameters, after.parameters, strict=True)
    ]
    for a, b in zip(before.checks, after.checks, strict=True):
        rows.append(Row(f"{a.rule_id}: kiểm tra", a.checks, b.checks))
        rows.append(Row(f"{a.rule_id}: căn cứ", a.source, b.source))
    rows.append(
        Row("Khung đánh giá sinh hoạt", _rubric_text(before.rubrics), _rubric_text(after.rubrics))
    )
    return rows
