"""What each rule is called where a person reads it (issue 14): pages name the regulation's
subject and keep the rule ID (``R-MTG-12``, ``F-7``) for a tooltip, the API and the logs."""

TITLES = {
    "R-ORG-01": "Số đảng viên chính thức tối thiểu",
    "R-ORG-04": "Cơ cấu lãnh đạo chi bộ",
    "R-ORG-06": "Nhiệm kỳ đại hội chi bộ",
    "R-MEM-03": "Thời hạn kết nạp",
    "R-MEM-05": "Công nhận đảng viên chính thức",
    "R-MEM-09": "Chuyển sinh hoạt đảng chính thức",
    "R-MEM-12": "Xem xét xóa tên đảng viên",
    "R-MTG-01": "Sinh hoạt thường kỳ hằng tháng",
    "R-MTG-02": "Sinh hoạt chuyên đề hằng quý",
    "R-MTG-03": "Thời lượng buổi sinh hoạt",
    "R-MTG-09": "Biểu quyết nghị quyết",
    "R-MTG-12": "Tỷ lệ đảng viên dự sinh hoạt",
    "R-POL-02": "Đảng viên chi bộ Công an xã",
    "F-6": "Cấp ủy cấp trên dự sinh hoạt",
    "F-7": "Quy chế làm việc của chi bộ",
    "F-8": "Nghị quyết về an ninh, trật tự của đảng ủy xã",
    "F-9": "Học tập, quán triệt văn bản cấp trên",
    "BRIEF": "Thực hiện kết luận, kiến nghị trực báo",
}


def title(rule_id: str) -> str:
    """The rule's name for a page; an unknown ID is shown as itself rather than hidden."""
    return TITLES.get(rule_id, rule_id)
