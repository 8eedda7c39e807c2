"""A person's whole history as one dated list, for the member page."""

import datetime as dt
from dataclasses import dataclass

from chibo.lib.vndates import format_date
from chibo.members.models import Person, Reason
from chibo.orgs.models import NameBook


@dataclass(frozen=True)
class Event:
    on: dt.date
    title: str
    detail: str = ""


def timeline(person: Person) -> list[Event]:
    """Everything dated about ``person``, oldest first; names of organizations as they were."""
    memberships = list(person.memberships.all())
    services = list(person.police_service.all())
    positions = list(person.positions.all())
    transfers = list(person.transfers.all())
    book = NameBook(
        [m.cell_id for m in memberships]
        + [s.cell_id for s in services]
        + [p.organization_id for p in positions]
        + [t.from_cell_id for t in transfers]
        + [t.to_cell_id for t in transfers if t.to_cell_id]
    )
    events: list[Event] = []
    record = getattr(person, "party", None)
    if record is not None:
        events.append(Event(record.decision_date, "Quyết định kết nạp", record.decision_no))
        events.append(
            Event(
                record.ceremony_date,
                "Lễ kết nạp, bắt đầu dự bị",
                f"hết dự bị {format_date(record.probation_end)}; hạn xét chính thức đến hết ngày "
                f"{format_date(record.recognition_deadline)}",
            )
        )
        if record.official_date:
            detail = (
                "theo quyết định " + record.recognition_decision_no
                if record.recognition_decision_no
                else ""
            )
            if record.recognition_decided_on:
                detail += f" (xét ngày {format_date(record.recognition_decided_on)})"
            events.append(Event(record.official_date, "Đảng viên chính thức", detail.strip()))
        if record.ended_on:
            events.append(
                Event(record.ended_on, record.get_end_reason_display(), record.end_decision_no)
            )
    for m in memberships:
        cell = book.name(m.cell_id, m.valid_from)
        events.append(
            Event(
                m.valid_from,
                f"Bắt đầu {m.get_kind_display().lower()}",
                f"{cell} — {Reason(m.reason_in).label.lower()}",
            )
        )
        if m.valid_to:
            why = Reason(m.reason_out).label.lower() if m.reason_out else ""
            events.append(
                Event(
                    m.valid_to,
                    f"Thôi {m.get_kind_display().lower()}",
                    f"{cell} — {why}".rstrip(" —"),
                )
            )
    for t in transfers:
        target = book.name(t.to_cell_id, t.sent_on) if t.to_cell_id else t.to_outside
        events.append(
            Event(
                t.sent_on,
                f"Chuyển {t.get_kind_display().lower()}",
                f"đến {target}; {t.reason}".rstrip("; "),
            )
        )
    for e in person.exemptions.all():
        events.append(Event(e.valid_from, "Miễn công tác và sinh hoạt đảng", e.reason))
        if e.valid_to:
            events.append(Event(e.valid_to, "Sinh hoạt trở lại"))
    for p in positions:
        org = book.name(p.organization_id, p.valid_from)
        events.append(
            Event(p.valid_from, f"Giữ chức {p.get_role_display()}", f"{org} {p.term}".strip())
        )
        if p.valid_to:
            events.append(Event(p.valid_to, f"Thôi chức {p.get_role_display()}", org))
    for s in services:
        events.append(
            Event(s.valid_from, s.get_position_display(), book.name(s.cell_id, s.valid_from))
        )
        if s.valid_to:
            events.append(
                Event(s.valid_to, "Thôi công tác tại đơn vị", book.name(s.cell_id, s.valid_from))
            )
    for r in person.ranks.all():
        events.append(Event(r.valid_from, f"Cấp bậc hàm {r.get_rank_display()}"))
    return sorted(events, key=lambda e: e.on)
