"""The one import engine behind the page, the command and the API (issue 13):

    read → map columns → convert → match (CCCD, then party card, then name + birth date)
    → classify (new / update / unchanged / conflict / error, reasons at the field)
    → confirm in one transaction, audited as one operation.

``start`` reads the file and stores its rows; ``check`` classifies the next rows (the page
calls it a chunk per progress poll, the command and API until done); ``confirm`` writes.
Nothing but the staging rows is written before ``confirm``; importing the same file again
finds every row ``unchanged`` and writes nothing.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count
from django.utils import timezone

from chibo import audit
from chibo.audit.models import Action, Entry
from chibo.imports import columns, convert, reading, staging
from chibo.imports.models import Batch, PartyCard, Row, RowStatus, SavedMapping
from chibo.lib import cccd as cccd_lib
from chibo.lib import vndates, vnlegacy, vntext
from chibo.lib.validity import valid_on
from chibo.members import operations as ops
from chibo.members.models import (
    Gender,
    Membership,
    MembershipKind,
    PartyRecord,
    Person,
    PolicePosition,
    PoliceService,
    Rank,
    RankHolding,
    Reason,
)
from chibo.orgs.models import Kind, Organization, OrgVersion

CHUNK = 500
TEXT_FIELDS = ("full_name", "ho", "ten_dem", "ten", "home_town", "cell", "position", "rank", "note")


def _cell_value(value):
    """A cell as stored in a row (JSON): numbers stay numbers (a CCCD typed as a number is
    told apart from one typed as text), dates become dd/mm/yyyy text."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return columns.cell_text(value)
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.date | dt.datetime):
        return columns.cell_text(value)
    if isinstance(value, int):
        return value
    return columns.cell_text(value)


def _skipped(cells: list, mapping: dict[str, int]) -> bool:
    """Empty rows, a "Tổng cộng" row and the "(1) (2) (3)" column-number row under a header
    are not people (issue 13, item 2)."""
    texts = [columns.cell_text(c) for c in cells]
    filled = [t for t in texts if t]
    if not filled:
        return True
    keys = [vntext.search_key(t) for t in filled]
    # "Tống" is a family name: only the words of a total row count, not their prefix.
    if any(k.startswith(("tong cong", "tong so")) or k in ("cong", "tong") for k in keys[:3]):
        return True
    return all(t.strip("()").isdigit() and len(t) <= 4 for t in filled) and len(filled) > 2


def _get(cells: list, mapping: dict[str, int], name: str):
    index = mapping.get(name)
    if index is None or index >= len(cells):
        return ""
    return cells[index]


def _name_of(cells: list, mapping: dict[str, int]) -> tuple[str, str, str]:
    if "full_name" in mapping:
        return vntext.split_full_name(convert.text(_get(cells, mapping, "full_name")))
    return tuple(convert.text(_get(cells, mapping, p)) for p in ("ho", "ten_dem", "ten"))


def start(
    *,
    data: bytes,
    file_name: str,
    organization: Organization,
    as_of: dt.date,
    by,
    mapping: dict[str, int] | None = None,
) -> Batch:
    """Read the file and store its rows for checking; ``ValidationError`` for a file that
    cannot be imported (not a spreadsheet, password, zip bomb, too many rows, formulas,
    hidden or duplicated roster sheets), and then nothing is stored."""
    table = reading.read(data, file_name)
    headers = [columns.cell_text(h) for h in table.headers]
    if mapping is None:
        saved = SavedMapping.objects.filter(organization=organization).first()
        mapping = columns.guess(headers)
        if saved is not None:
            mapping |= columns.from_saved(saved.mapping, headers)
    _check_mapping(mapping, headers)
    kept = [(n, cells) for n, cells in table.rows if not _skipped(cells, mapping)]
    formula_rows = sorted({r + 1 for r, _c in table.formulas if r + 1 in {n for n, _ in kept}})
    if formula_rows or (-1, -1) in table.formulas:
        where = ", ".join(str(n) for n in formula_rows[:5])
        raise ValidationError(
            "Danh sách có ô chứa công thức"
            + (f" (dòng {where}{'…' if len(formula_rows) > 5 else ''})" if where else "")
            + ". Công thức không được nhập vì giá trị có thể đổi khi mở tệp: hãy chép cả bảng "
            "rồi “Dán giá trị” (Paste Special → Values) sang một tệp mới và tải lên tệp đó.",
            code="formulas",
        )
    if not kept:
        raise ValidationError("Không có dòng dữ liệu nào dưới dòng tiêu đề.", code="empty")
    with transaction.atomic():
        batch = Batch.objects.create(
            organization=organization,
            as_of=as_of,
            file_name=file_name[:200],
            sheet=table.sheet[:100],
            header_row=table.header_row,
            headers=headers,
            mapping=mapping,
            total=len(kept),
            created_by=by if getattr(by, "is_authenticated", False) else None,
        )
        staging.add(
            Row(batch=batch, number=number, original=[_cell_value(c) for c in cells])
            for number, cells in kept
        )
        _detect_encodings(batch)
    return batch


def _check_mapping(mapping: dict[str, int], headers: list[str]) -> None:
    if not ("full_name" in mapping or "ten" in mapping):
        raise ValidationError("Hãy chọn cột “Họ và tên” (hoặc các cột Họ, Tên đệm, Tên).")
    used = defaultdict(list)
    for name, index in mapping.items():
        if name not in columns.IMPORTED or not 0 <= index < max(len(headers), 1):
            raise ValidationError("Cách ghép cột không hợp lệ.")
        used[index].append(columns.label(name))
    for labels in used.values():
        if len(labels) > 1:
            raise ValidationError(f"Một cột được ghép cho nhiều trường: {', '.join(labels)}.")


def _detect_encodings(batch: Batch) -> None:
    """Which text columns hold TCVN3 or VNI (R-TXT-06), judged on the whole column."""
    texts = defaultdict(list)
    for original in batch.rows.values_list("original", flat=True)[:2000]:
        for name in TEXT_FIELDS:
            index = batch.mapping.get(name)
            if index is not None and index < len(original) and isinstance(original[index], str):
                texts[index].append(original[index])
    found = {str(i): enc for i, cells in texts.items() if (enc := vnlegacy.detect(cells))}
    batch.encodings = found
    batch.save(update_fields=["encodings"])


def remap(batch: Batch, mapping: dict[str, int], *, save_for_org: bool = False) -> Batch:
    """The user's column mapping: every row is checked again with it."""
    if batch.state == Batch.State.CONFIRMED:
        raise ValidationError("Lượt nhập này đã được xác nhận; hãy tải tệp lên lại.")
    _check_mapping(mapping, batch.headers)
    with transaction.atomic():
        batch.mapping = mapping
        batch.state = Batch.State.CHECKING
        batch.checked = 0
        batch.summary = {}
        batch.save(update_fields=["mapping", "state", "checked", "summary"])
        staging.reset(batch)
        _detect_encodings(batch)
        if save_for_org:
            SavedMapping.objects.update_or_create(
                organization=batch.organization,
                defaults={"mapping": columns.to_saved(mapping, batch.headers)},
            )
    return batch


# --- converting and matching ------------------------------------------------------------


@dataclass
class Cells:
    """The organizations rows may go to: the target itself if it is a cell, else its cells."""

    by_key: dict[str, Organization]
    default: Organization | None
    versions: dict[int, OrgVersion]
    names: dict[int, str]
    subtree: frozenset[int]
    rules: "Rules"


def cells_of(organization: Organization, on: dt.date) -> Cells:
    subtree = Organization.objects.subtree_ids([organization.pk], on)
    versions = {
        v.organization_id: v
        for v in OrgVersion.objects.on(on)
        .filter(organization_id__in=subtree)
        .select_related("organization")
    }
    cells = {pk: v for pk, v in versions.items() if Kind(v.kind).is_cell}
    by_key = {}
    for version in cells.values():
        for name in (version.name, version.party_name):
            if name:
                by_key[vntext.search_key(name)] = version.organization
    default = None
    if organization.pk in cells:
        default = organization  # the same object: _values tells a cell target by identity
    elif len(cells) == 1:
        default = next(iter(cells.values())).organization
    names = {pk: v.name for pk, v in cells.items()}
    return Cells(by_key, default, cells, names, subtree, Rules())


def _message(field: str, level: str, text: str) -> dict:
    return {"field": field, "level": level, "message": text}


def _values(row: Row, batch: Batch, cells: Cells) -> tuple[dict, list[dict]]:
    """Converted values of one row and the messages at their fields."""
    mapping, original = batch.mapping, row.original
    messages: list[dict] = []
    values: dict = {}

    def raw(name):
        cell = _get(original, mapping, name)
        encoding = batch.encodings.get(str(mapping.get(name)))
        if encoding and isinstance(cell, str):
            return vnlegacy.convert(cell, encoding)
        return cell

    if "full_name" in mapping:
        ho, ten_dem, ten = vntext.split_full_name(convert.text(raw("full_name")))
    else:
        ho, ten_dem, ten = (vntext.nfc(convert.text(raw(p))) for p in ("ho", "ten_dem", "ten"))
    values["ho"], values["ten_dem"], values["ten"] = ho, ten_dem, ten
    if not ten:
        messages.append(_message("full_name", "error", "Thiếu họ và tên."))
    if len(ho) > 50 or len(ten) > 50 or len(ten_dem) > 100:
        messages.append(_message("full_name", "error", "Họ tên quá dài."))
    for name in ("birth_date", "decision_date", "official_date"):
        try:
            day = convert.date(_get(original, mapping, name), as_of=batch.as_of)
        except convert.Refused as refused:
            messages.append(_message(name, "error", str(refused)))
            day = None
        if day is not None and not 1900 <= day.year <= 2100:
            messages.append(_message(name, "error", f"Năm {day.year} không hợp lý."))
            day = None
        if day is not None and day > batch.as_of:
            messages.append(
                _message(
                    name,
                    "error",
                    f"{columns.label(name)} {vndates.format_date(day)} sau ngày áp dụng "
                    f"{vndates.format_date(batch.as_of)}.",
                )
            )
            day = None
        values[name] = day.isoformat() if day else None
    converters = (
        ("gender", convert.gender),
        ("rank", convert.rank),
        ("position", convert.position),
    )
    for name, function in converters:
        try:
            values[name] = function(raw(name))
        except convert.Refused as refused:
            messages.append(_message(name, "error", str(refused)))
            values[name] = None
    try:
        number, notes = convert.cccd(_get(original, mapping, "cccd"))
        values["cccd"] = number
        messages += [_message("cccd", "warning", note) for note in notes]
    except convert.Refused as refused:
        messages.append(_message("cccd", "error", str(refused)))
        values["cccd"] = None
    values["home_town"] = vntext.nfc(convert.text(raw("home_town")))[:200]
    card = vntext.nfc(convert.text(_get(original, mapping, "card_no"))).replace(" ", "")
    if len(card) > 20:
        messages.append(_message("card_no", "error", "Số thẻ đảng viên quá dài."))
        card = ""
    values["card_no"] = card
    cell_name = vntext.nfc(convert.text(raw("cell")))
    cell = cells.by_key.get(vntext.search_key(cell_name)) if cell_name else None
    if cell_name and cell is None and cells.default is batch.organization:
        # Importing into one cell: the column repeats its name, perhaps shortened.
        cell = cells.default
    if cell is None and not cell_name:
        cell = cells.default
    if cell is None:
        messages.append(
            _message(
                "cell",
                "error",
                f"Không tìm thấy chi bộ “{cell_name[:60]}” trong tổ chức được nhập vào."
                if cell_name
                else "Chưa rõ chi bộ: hãy thêm cột “Chi bộ” hoặc nhập vào một chi bộ.",
            )
        )
    values["cell"] = cell.pk if cell else None
    if values["gender"] is None and "gender" not in {m["field"] for m in messages}:
        messages.append(_message("gender", "error", "Thiếu giới tính (Nam hoặc Nữ)."))
    if values["decision_date"] is None and "decision_date" not in {m["field"] for m in messages}:
        messages.append(_message("decision_date", "error", "Thiếu ngày vào Đảng (ngày kết nạp)."))
    birth = dt.date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
    if values["cccd"] and values["gender"]:
        for caution in cccd_lib.warnings(values["cccd"], gender=values["gender"], birth_date=birth):
            messages.append(_message("cccd", "warning", str(caution)))
    if birth is None and "birth_date" not in {m["field"] for m in messages}:
        messages.append(_message("birth_date", "warning", "Thiếu ngày sinh."))
    return values, messages


def _last_entry() -> int:
    return Entry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def _changed_since(mark: int | None) -> bool:
    """Whether any record the classification reads may have changed after ``mark``: any
    recorded write but reads (exports) and the imports' own bookkeeping."""
    if mark is None:
        return True
    return (
        Entry.objects.filter(pk__gt=mark)
        .exclude(action=Action.ACCESS)
        .exclude(object_type__in=["imports.batch", "imports.savedmapping"])
        .exists()
    )


class Rules:
    """The rule sets and working calendar read once per check, not once per row: the same
    R-MEM-04 (12 months from the ceremony, the rule set's) and R-MEM-05 (30 working days on
    the official calendar) as ``PartyRecord.probation_end`` and ``recognition_deadline``."""

    def __init__(self):
        from chibo.rules.models import RuleSet, working_calendar

        self.default = RuleSet(name="Mặc định", regulation="Điều lệ Đảng")
        self.sets = list(RuleSet.objects.order_by("-valid_from"))
        self.calendar = working_calendar()

    def on(self, day: dt.date):
        for rules in self.sets:
            if rules.valid_from <= day and (rules.valid_to is None or day < rules.valid_to):
                return rules
        return self.default

    def probation_end(self, ceremony: dt.date) -> dt.date:
        return vndates.add_months(ceremony, self.on(ceremony).probation_months)

    def recognition_deadline(self, end: dt.date) -> dt.date:
        return self.calendar.add_working_days(end, self.on(end).recognition_window_days)


def _party_warnings(values: dict, batch: Batch, rules: Rules) -> list[dict]:
    """R-MEM-01 (age at admission), R-MEM-04/06 (official = 12 months after the ceremony)
    and R-MEM-05 (a probationer whose recognition is overdue), as warnings."""
    found = []
    if not values["decision_date"]:
        return found
    decision = dt.date.fromisoformat(values["decision_date"])
    if values["birth_date"]:
        months = vndates.months_between(dt.date.fromisoformat(values["birth_date"]), decision)
        if months < 18 * 12 or months > 60 * 12:
            found.append(
                _message(
                    "decision_date",
                    "warning",
                    f"Tuổi khi kết nạp là {months // 12} tuổi, ngoài khoảng 18–60 (R-MEM-01).",
                )
            )
    end = rules.probation_end(decision)
    official = values["official_date"]
    if official and dt.date.fromisoformat(official) != end:
        found.append(
            _message(
                "official_date",
                "warning",
                f"Ngày chính thức trong tệp khác ngày hết 12 tháng dự bị "
                f"({vndates.format_date(end)}, R-MEM-04, R-MEM-06); hệ thống ghi ngày "
                f"{vndates.format_date(end)}.",
            )
        )
    if not official and rules.recognition_deadline(end) < batch.as_of:
        found.append(
            _message(
                "official_date",
                "warning",
                f"Đảng viên dự bị đã quá hạn xét công nhận chính thức (hết dự bị ngày "
                f"{vndates.format_date(end)}, R-MEM-05).",
            )
        )
    return found


def _name_key(values: dict) -> str:
    if not values["ten"] or not values["birth_date"]:
        return ""
    return f"{vntext.search_key(vntext.join_name(values['ho'], values['ten_dem'], values['ten']))}|{values['birth_date']}"


def check(batch: Batch, *, limit: int | None = None) -> Batch:
    """Classify the next ``limit`` pending rows (all when ``None``); ready when none is left.
    Only the staging rows change."""
    if batch.state == Batch.State.CONFIRMED:
        return batch
    cells = cells_of(batch.organization, batch.as_of)
    while True:
        size = CHUNK if limit is None else min(CHUNK, limit)
        with transaction.atomic():
            rows = list(batch.rows.filter(status=RowStatus.PENDING).order_by("number")[:size])
            if rows:
                _classify(batch, rows, cells)
                staging.save_checked(rows)
            batch.checked = batch.total - batch.rows.filter(status=RowStatus.PENDING).count()
            if batch.checked >= batch.total:
                batch.state = Batch.State.READY
                batch.summary = summary(batch)
                batch.checked_mark = _last_entry()
            batch.save(update_fields=["checked", "state", "summary", "checked_mark"])
        if limit is not None:
            limit -= len(rows)
        if not rows or batch.state == Batch.State.READY or (limit is not None and limit <= 0):
            return batch


def summary(batch: Batch) -> dict[str, int]:
    counts = dict.fromkeys(["new", "update", "unchanged", "conflict", "error"], 0)
    for status, count in (
        batch.rows.exclude(status=RowStatus.PENDING).values_list("status").annotate(n=Count("pk"))
    ):
        counts[status] = count
    return counts


@dataclass
class Known:
    """What the database holds of the people a chunk may match, read in a few queries."""

    by_cccd: dict[str, Person]
    by_card: dict[str, Person]
    by_name: dict[str, list[Person]]
    cards: dict[int, str]
    cell_of: dict[int, int]
    cell_today: dict[int, int]
    rank_of: dict[int, int]
    service_of: dict[int, PoliceService]


def _known(values_list: list[dict], on: dt.date) -> Known:
    numbers = {v["cccd"] for v in values_list if v["cccd"]}
    card_numbers = {v["card_no"] for v in values_list if v["card_no"]}
    births = {v["birth_date"] for v in values_list if v["birth_date"]}
    keys = {_name_key(v).split("|")[0] for v in values_list if _name_key(v)}
    people = Person.objects.select_related("party")
    by_cccd = {p.cccd: p for p in people.filter(cccd__in=numbers)} if numbers else {}
    cards = PartyCard.objects.filter(number__in=card_numbers).select_related("person__party")
    by_card = {c.number: c.person for c in cards}
    by_name: dict[str, list[Person]] = defaultdict(list)
    if births:
        for person in people.filter(birth_date__in=births, search_key__in=keys):
            by_name[f"{person.search_key}|{person.birth_date.isoformat()}"].append(person)
    ids = {p.pk for p in by_cccd.values()} | {p.pk for p in by_card.values()}
    ids |= {p.pk for group in by_name.values() for p in group}
    return Known(
        by_cccd=by_cccd,
        by_card=by_card,
        by_name=by_name,
        cards=dict(PartyCard.objects.filter(person_id__in=ids).values_list("person_id", "number")),
        cell_of=dict(
            Membership.objects.filter(valid_on(on), person_id__in=ids, kind="official").values_list(
                "person_id", "cell_id"
            )
        ),
        # Writing on a person follows where they are now (access.can_person): an import dated
        # in the past must not reach someone who has since moved out of the target.
        cell_today=dict(
            Membership.objects.filter(
                valid_on(timezone.localdate()), person_id__in=ids, kind="official"
            ).values_list("person_id", "cell_id")
        ),
        rank_of=dict(
            RankHolding.objects.filter(valid_on(on), person_id__in=ids).values_list(
                "person_id", "rank"
            )
        ),
        service_of={
            s.person_id: s for s in PoliceService.objects.filter(valid_on(on), person_id__in=ids)
        },
    )


def _classify(batch: Batch, rows: list[Row], cells: Cells) -> None:
    for row in rows:
        row.values, row.messages = _values(row, batch, cells)
        row.cccd_key = row.values["cccd"] or ""
        row.name_key = _name_key(row.values)[:240]
    known = _known([r.values for r in rows], batch.as_of)
    # Earlier rows of the same file, for duplicates across chunks.
    seen_cccd = dict(
        batch.rows.exclude(status=RowStatus.PENDING)
        .filter(cccd_key__in=[r.cccd_key for r in rows if r.cccd_key])
        .values_list("cccd_key", "number")
    )
    seen_name = dict(
        batch.rows.exclude(status=RowStatus.PENDING)
        .filter(name_key__in=[r.name_key for r in rows if r.name_key])
        .values_list("name_key", "number")
    )
    # A party card number is unique: two rows carrying it cannot both be written.
    card_numbers = [r.values["card_no"] for r in rows if r.values.get("card_no")]
    seen_card = {
        values["card_no"]: number
        for values, number in batch.rows.exclude(status=RowStatus.PENDING)
        .filter(values__card_no__in=card_numbers)
        .values_list("values", "number")
    }
    for row in rows:
        card_no = row.values.get("card_no")
        twin = seen_card.get(card_no) if card_no else None
        if twin and not any(m["level"] == "error" for m in row.messages):
            row.messages.append(
                _message(
                    "card_no", "error", f"Trùng số thẻ đảng viên với dòng {twin} của cùng tệp."
                )
            )
            row.changes, row.person, row.status = {}, None, RowStatus.CONFLICT
        else:
            _decide(row, batch, cells, known, seen_cccd, seen_name)
        if row.cccd_key:
            seen_cccd.setdefault(row.cccd_key, row.number)
        if row.name_key:
            seen_name.setdefault(row.name_key, row.number)
        if card_no:
            seen_card.setdefault(card_no, row.number)


def _decide(row: Row, batch: Batch, cells: Cells, known: Known, seen_cccd, seen_name) -> None:
    values, messages = row.values, row.messages
    row.changes, row.person = {}, None
    if any(m["level"] == "error" for m in messages):
        row.status = RowStatus.ERROR
        return
    messages += _party_warnings(values, batch, cells.rules)
    twin = seen_cccd.get(row.cccd_key) if row.cccd_key else None
    twin = twin or (seen_name.get(row.name_key) if row.name_key else None)
    if twin:
        messages.append(
            _message("full_name", "error", f"Trùng người với dòng {twin} của cùng tệp.")
        )
        row.status = RowStatus.CONFLICT
        return
    by_cccd = known.by_cccd.get(values["cccd"]) if values["cccd"] else None
    by_card = known.by_card.get(values["card_no"]) if values["card_no"] else None
    by_name = known.by_name.get(row.name_key, []) if row.name_key else []
    person = by_cccd or by_card
    if by_cccd and by_card and by_cccd.pk != by_card.pk:
        row.status = RowStatus.CONFLICT
        messages.append(
            _message(
                "card_no", "error", "Số CCCD và số thẻ đảng viên thuộc về hai người khác nhau."
            )
        )
        return
    if person is None:
        if len(by_name) > 1:
            row.status = RowStatus.CONFLICT
            messages.append(
                _message(
                    "full_name",
                    "error",
                    f"Có {len(by_name)} người cùng họ tên và ngày sinh; không biết là người nào. "
                    "Hãy ghi số CCCD.",
                )
            )
            return
        if by_name:
            candidate = by_name[0]
            if values["cccd"] and candidate.cccd and candidate.cccd != values["cccd"]:
                # Same name and birth date, another CCCD: two people, or a wrong number.
                row.status = RowStatus.CONFLICT
                messages.append(
                    _message(
                        "cccd",
                        "error",
                        "Đã có người cùng họ tên, ngày sinh nhưng khác số CCCD; hãy kiểm tra.",
                    )
                )
                return
            person = candidate
    if person is None:
        row.status = RowStatus.NEW
        return
    row.person = person
    _compare(row, person, batch, cells, known)


def _compare(row: Row, person: Person, batch: Batch, cells: Cells, known: Known) -> None:
    """update, unchanged or conflict for a matched person: a fact the file disagrees with is a
    conflict; what the record lacks, or a later rank or post, is an update."""
    values, messages, changes = row.values, row.messages, row.changes
    conflicts = []
    cell_now = known.cell_of.get(person.pk)
    cell_today = known.cell_today.get(person.pk)
    if cell_now is not None and cell_now not in cells.subtree:
        conflicts.append(
            ("cell", "Người này đang sinh hoạt ở tổ chức ngoài tổ chức được nhập vào.")
        )
    elif cell_today is not None and cell_today not in cells.subtree:
        conflicts.append(("cell", "Người này nay sinh hoạt ở tổ chức ngoài tổ chức được nhập vào."))
    elif cell_now is None and person.registered_by_id not in cells.subtree:
        conflicts.append(("cell", "Đã có hồ sơ người này ở tổ chức ngoài tổ chức được nhập vào."))
    if conflicts:
        row.status = RowStatus.CONFLICT
        row.person = None  # nothing of that record is shown outside its scope
        messages += [_message(f, "error", t) for f, t in conflicts]
        return
    name = (values["ho"], values["ten_dem"], values["ten"])
    # Case alone is no change: a list typed in capitals keeps the record's spelling.
    if vntext.join_name(*name).casefold() != person.full_name.casefold():
        changes["name"] = [person.full_name, vntext.join_name(*name)]
    if values["gender"] != person.gender:
        conflicts.append(("gender", "Giới tính khác hồ sơ đã có."))
    birth = values["birth_date"]
    if birth and person.birth_date and birth != person.birth_date.isoformat():
        conflicts.append(
            ("birth_date", f"Ngày sinh khác hồ sơ ({vndates.format_date(person.birth_date)}).")
        )
    elif birth and not person.birth_date:
        changes["birth_date"] = [None, birth]
    if values["cccd"] and person.cccd and values["cccd"] != person.cccd:
        conflicts.append(("cccd", "Số CCCD khác hồ sơ đã có."))
    elif values["cccd"] and not person.cccd:
        changes["cccd"] = [None, "(bổ sung)"]  # the number itself stays out of the changes
    if values["home_town"] and values["home_town"] != person.home_town:
        changes["home_town"] = [person.home_town, values["home_town"]]
    card = known.cards.get(person.pk)
    if values["card_no"] and card and card != values["card_no"]:
        conflicts.append(("card_no", "Số thẻ đảng viên khác hồ sơ đã có."))
    elif values["card_no"] and not card:
        changes["card_no"] = [None, values["card_no"]]
    record = getattr(person, "party", None)
    decision = values["decision_date"]
    if record is None:
        changes["party"] = [None, decision]
    else:
        if decision != record.decision_date.isoformat():
            conflicts.append(
                (
                    "decision_date",
                    f"Ngày vào Đảng khác hồ sơ ({vndates.format_date(record.decision_date)}).",
                )
            )
        official = values["official_date"]
        official_now = (
            record.official_date
            if record.official_date and record.official_date <= batch.as_of
            else None
        )
        if official and official_now is None:
            if (
                dt.date.fromisoformat(official) <= batch.as_of
                and record.probation_end <= batch.as_of
            ):
                changes["official"] = [None, record.probation_end.isoformat()]
            else:
                conflicts.append(("official_date", "Hồ sơ ghi là đảng viên dự bị."))
        elif not official and official_now is not None:
            conflicts.append(
                (
                    "official_date",
                    f"Hồ sơ ghi đã chính thức từ ngày {vndates.format_date(official_now)}.",
                )
            )
    cell = values["cell"]
    if cell_now is not None and cell is not None and cell_now != cell:
        conflicts.append(
            (
                "cell",
                f"Đang sinh hoạt ở {cells.names.get(cell_now, 'chi bộ khác')}; hãy ghi chuyển "
                "sinh hoạt đảng (R-MEM-09) thay vì nhập.",
            )
        )
    elif cell_now is None and record is not None and record.ended_on is None:
        conflicts.append(
            (
                "cell",
                f"Hồ sơ không sinh hoạt ở chi bộ nào ngày {vndates.format_date(batch.as_of)}; "
                "hãy ghi tiếp nhận sinh hoạt.",
            )
        )
    if record is not None and record.ended_on is not None and record.ended_on <= batch.as_of:
        conflicts.append(("decision_date", "Hồ sơ ghi người này không còn là đảng viên."))
    service = known.service_of.get(person.pk)
    rank_now = known.rank_of.get(person.pk)
    if values["rank"] and values["rank"] != rank_now:
        changes["rank"] = [Rank(rank_now).label if rank_now else None, Rank(values["rank"]).label]
    if values["position"] and (service is None or service.position != values["position"]):
        changes["position"] = [
            PolicePosition(service.position).label if service else None,
            PolicePosition(values["position"]).label,
        ]
    if conflicts:
        row.status = RowStatus.CONFLICT
        messages += [_message(f, "error", t) for f, t in conflicts]
        return
    row.status = RowStatus.UPDATE if changes else RowStatus.UNCHANGED


# --- confirming ---------------------------------------------------------------------------


class Stale(Exception):
    """A row the operations refused at confirmation: nothing was written."""

    def __init__(self, row: Row, message: str):
        super().__init__(message)
        self.row = row
        self.message = message


def _data(values: dict, person: Person | None = None) -> ops.PersonData:
    birth = values["birth_date"]
    return ops.PersonData(
        ho=values["ho"],
        ten_dem=values["ten_dem"],
        ten=values["ten"],
        gender=values["gender"] or (person.gender if person else Gender.MALE),
        birth_date=dt.date.fromisoformat(birth)
        if birth
        else (person.birth_date if person else None),
        ethnicity=person.ethnicity if person else "Kinh",
        home_town=values["home_town"] or (person.home_town if person else ""),
        cccd=values["cccd"] or (person.cccd if person else None),
        phone=person.phone if person else "",
    )


def _police(person: Person, row: Row, batch: Batch, cell: Organization, by) -> None:
    values = row.values
    if not (values["rank"] or values["position"]) or not cell.is_police:
        return
    current = person.police_service.filter(valid_on(batch.as_of)).first()
    position = values["position"] or (current.position if current else PolicePosition.OFFICER)
    ops.set_police_service(
        person=person, on=batch.as_of, cell=cell, position=position, rank=values["rank"], by=by
    )


def _apply(row: Row, batch: Batch, by) -> None:
    values = row.values
    cell = Organization.objects.get(pk=values["cell"])
    decision = dt.date.fromisoformat(values["decision_date"])
    official = bool(values["official_date"])
    if row.status == RowStatus.NEW:
        person = ops.add_person(data=_data(values), registered_by=cell, by=by)
        row.person = person
    else:
        person = Person.objects.select_related("party").get(pk=row.person_id)
    changes = row.changes if row.status == RowStatus.UPDATE else {}
    if changes.keys() & {"name", "birth_date", "cccd", "home_town"}:
        ops.update_person(person=person, data=_data(values, person), by=by)
    if row.status == RowStatus.NEW or "party" in changes:
        record = PartyRecord(decision_date=decision, ceremony_date=decision)
        ops.record_existing_member(
            person=person,
            cell=cell,
            since=batch.as_of,
            decision_date=decision,
            ceremony_date=decision,  # a roster gives one date: the ceremony is taken as it
            official=official and record.probation_end <= batch.as_of,
            by=by,
        )
    if "official" in changes:
        ops.recognize(
            person=person, decided_on=dt.date.fromisoformat(values["official_date"]), by=by
        )
    if row.status == RowStatus.NEW or changes.keys() & {"rank", "position"}:
        _police(person, row, batch, cell, by)
    if values["card_no"] and (row.status == RowStatus.NEW or "card_no" in changes):
        PartyCard.objects.create(person=person, number=values["card_no"])


def _bulk_new(rows: list[Row], batch: Batch, rules: Rules) -> set[Row]:
    """New members written in bulk: what ``add_person``, ``record_existing_member`` and
    ``set_police_service`` write for a person with no history, with their checks made once
    per cell instead of once per row (a 10,000-row roster, issue 13 "Performance"):

    * the cell exists and is a cell on the import's date, is a police cell for a post;
    * decision = ceremony ≤ the import's date (checked per row when converting), so the
      ceremony is not before the decision and activity starts after it;
    * official from the end of probation, 12 months after the ceremony (R-MEM-04, R-MEM-06);
    * the CCCD is unique: checked when classifying in this transaction, and by the database.

    Rows into a cell that ends later (a merge after the import's date) are left to the
    operations, which carry the membership to the successor. Recorded with ``audit.created``
    in the confirmation's one operation. Returns the rows written here."""
    by_cell: dict[int, Organization] = {}
    for pk in {r.values["cell"] for r in rows}:
        cell = Organization.objects.get(pk=pk)
        version = cell.version_on(batch.as_of)
        if version is None or not Kind(version.kind).is_cell:
            continue  # the operations refuse it with their own message
        if cell.lifetime()[1] is not None:
            continue
        by_cell[pk] = cell
    quick = [r for r in rows if r.values["cell"] in by_cell]
    if not quick:
        return set()
    people = []
    for row in quick:
        values = row.values
        person = Person(registered_by=by_cell[values["cell"]])
        person.set_name(values["ho"], values["ten_dem"], values["ten"])
        person.gender = values["gender"]
        person.birth_date = (
            dt.date.fromisoformat(values["birth_date"]) if values["birth_date"] else None
        )
        person.home_town = vntext.nfc(values["home_town"])
        person.cccd = values["cccd"] or None
        person.clean_fields(exclude=["registered_by", "cccd"])
        people.append(person)
    try:
        with transaction.atomic():
            audit.created(Person.objects.bulk_create(people, batch_size=500))
    except IntegrityError:
        raise ValidationError("Số CCCD này đã có trong hệ thống.") from None
    records, memberships, services, ranks, cards = [], [], [], [], []
    for row, person in zip(quick, people, strict=True):
        values, cell = row.values, by_cell[row.values["cell"]]
        row.person = person
        decision = dt.date.fromisoformat(values["decision_date"])
        end = rules.probation_end(decision)
        official = bool(values["official_date"]) and end <= batch.as_of
        records.append(
            PartyRecord(
                person=person,
                decision_date=decision,
                ceremony_date=decision,
                official_date=end if official else None,
            )
        )
        memberships.append(
            Membership(
                person=person,
                cell=cell,
                kind=MembershipKind.OFFICIAL,
                valid_from=batch.as_of,
                reason_in=Reason.INITIAL,
            )
        )
        if cell.is_police and (values["rank"] or values["position"]):
            position = values["position"] or PolicePosition.OFFICER
            services.append(
                PoliceService(person=person, cell=cell, position=position, valid_from=batch.as_of)
            )
            if values["rank"]:
                ranks.append(
                    RankHolding(person=person, rank=values["rank"], valid_from=batch.as_of)
                )
        if values["card_no"]:
            cards.append(PartyCard(person=person, number=values["card_no"]))
    for model, made in (
        (PartyRecord, records),
        (Membership, memberships),
        (PoliceService, services),
        (RankHolding, ranks),
        (PartyCard, cards),
    ):
        audit.created(model.objects.bulk_create(made, batch_size=500))
    return set(quick)


@audit.operation("Nhập danh sách đảng viên từ bảng tính")
def confirm(*, batch: Batch, by) -> Batch:
    """Write every ``new`` and ``update`` row in one transaction (issue 13, item 4); rows in
    conflict or error are left out and stay in the error report. The rows are checked again
    first, inside the transaction, so what is written matches the records at that moment.
    ``Stale`` if an operation refuses a row: then nothing at all is written."""
    if batch.state == Batch.State.CONFIRMED:
        raise ValidationError("Lượt nhập này đã được xác nhận trước đó.")
    try:
        with transaction.atomic():
            locked = Batch.objects.select_for_update().get(pk=batch.pk)
            if locked.state == Batch.State.CONFIRMED:
                raise ValidationError("Lượt nhập này đã được xác nhận trước đó.")
            if _changed_since(locked.checked_mark):
                staging.reset(batch)
                batch.state = Batch.State.CHECKING
                check(batch)
            rows = list(
                batch.rows.filter(status__in=[RowStatus.NEW, RowStatus.UPDATE]).order_by("number")
            )
            fresh = [r for r in rows if r.status == RowStatus.NEW]
            rules = Rules()
            quick = _bulk_new(fresh, batch, rules)
            for row in rows:
                if row in quick:
                    continue
                try:
                    with transaction.atomic():
                        _apply(row, batch, by)
                except ValidationError as error:
                    raise Stale(row, "; ".join(error.messages)) from None
            written = rows
            staging.link_people(written)
            batch.state = Batch.State.CONFIRMED
            batch.confirmed_at = timezone.now()
            batch.summary = summary(batch) | {
                "rows": [[r.number, r.status, r.person_id] for r in written]
            }
            batch.save(update_fields=["state", "confirmed_at", "summary"])
    except Stale as stale:
        staging.refused(stale.row, _message("", "error", stale.message))
        batch.refresh_from_db()
        batch.state = Batch.State.READY
        batch.save(update_fields=["state"])
        raise
    return batch


def counts(batch: Batch) -> dict[str, int]:
    return {k: v for k, v in (batch.summary or {}).items() if k != "rows"}


def visible_rows(batch: Batch, status: str = ""):
    rows = batch.rows.all().order_by("number")
    if status:
        rows = rows.filter(status=status)
    return rows


def for_person(batch: Batch) -> list[dict]:
    """The rows as the command's and API's JSON shows them (issue 13)."""
    out = []
    for row in batch.rows.order_by("number"):
        v = row.values or {}
        out.append(
            {
                "row": row.number,
                "status": row.status,
                "person": {
                    "ho": v.get("ho", ""),
                    "ten_dem": v.get("ten_dem", ""),
                    "ten": v.get("ten", ""),
                    "birth_date": v.get("birth_date"),
                    "gender": v.get("gender"),
                    "cccd": v.get("cccd"),
                },
                "messages": [m["message"] for m in row.messages],
            }
        )
    return out
