"""Congresses and terms of the demo's police cells (R-ORG-06), as a real file would show them.

The 2021 cells (set up on 1/7/2021 under CV 273-CV/BTCTW) began with appointed leadership;
their first congress was held in the autumn of 2022 for the 2022–2025 term under "twice in
five years" — due in the spring of 2025, so in April–June 2025 the check reports them as
due (the 6-month leeway runs past the 1/7/2025 merger, which ends them). Quế Tân's cell
(2024 merger) continues that term. The three 2025 cells begin their 2025–2030 term with the
appointed leadership of 1/7/2025 under the pilot's "once in five years" (QĐ 294-QĐ/TW).
"""

import datetime as dt

from chibo import audit
from chibo.demo.structure import CELLS_START, COMMUNES, QUE_TAN_MERGER, REFORM, Tree
from chibo.lib import vndates
from chibo.orgs.models import Term, TermPolicy

D = dt.date


def build(tree: Tree) -> None:
    terms = []
    merged = {tree.cells["Hiệp Thuận"], tree.cells["Hiệp Hòa"]}
    for index, (_unit, place) in enumerate(COMMUNES):
        cell = tree.cells[place]
        congress = vndates.add_working_days(D(2022, 10, 2), index + 1)  # 3–17/10/2022
        terms += [
            Term(
                organization=cell,
                label="2021–2022",
                policy=TermPolicy.TWICE_IN_FIVE,
                valid_from=CELLS_START,
                valid_to=congress,
                decision="Cấp ủy cấp trên chỉ định khi thành lập chi bộ",
            ),
            Term(
                organization=cell,
                label="2022–2025",
                policy=TermPolicy.TWICE_IN_FIVE,
                congress_on=congress,
                valid_from=congress,
                decision=f"Nghị quyết Đại hội Chi bộ Công an {place} ngày {congress:%d/%m/%Y}",
            ),
        ]
    predecessors = [t for t in terms if t.congress_on and t.organization in merged]
    terms.append(
        Term(
            organization=tree.cells["Quế Tân"],
            label="2022–2025",
            policy=TermPolicy.TWICE_IN_FIVE,
            valid_from=QUE_TAN_MERGER,
            ends_on=min(t.due_on for t in predecessors),
            decision="Tiếp tục nhiệm kỳ của chi bộ Hiệp Thuận, Hiệp Hòa (hợp nhất)",
        )
    )
    for new in ("Hiệp Đức", "Việt An", "Phước Trà"):
        terms.append(
            Term(
                organization=tree.cells[f"{new} (2025)"],
                label="2025–2030",
                policy=TermPolicy.ONCE_IN_FIVE,
                valid_from=REFORM,
                decision="Cấp ủy cấp trên chỉ định khi hợp nhất (QĐ 294-QĐ/TW)",
            )
        )
    for term in terms:
        term.full_clean()
    audit.created(Term.objects.bulk_create(terms))
