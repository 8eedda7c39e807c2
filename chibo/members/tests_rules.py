"""Party-life rules pinned by ID (R-MEM-*, R-ORG-04, R-TXT-05), on the operations."""

import datetime as dt
import unicodedata

from django.core.exceptions import ValidationError
from django.test import TestCase

from chibo.members import operations as ops
from chibo.members.models import (
    EndReason,
    Membership,
    MembershipKind,
    PartyRecord,
    Person,
    Status,
    Transfer,
)
from chibo.test import DAY, add_member, build_tree

D = dt.date


def snapshot():
    return (
        list(Person.objects.values_list()),
        list(PartyRecord.objects.values_list()),
        list(Membership.objects.values_list()),
        list(Transfer.objects.values_list()),
    )


class PartyLifeTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        cls.person = ops.add_person(
            data=ops.PersonData(
                ho="Trần", ten_dem="Văn", ten="Mới", gender="M", birth_date=D(1998, 4, 2)
            ),
            registered_by=cls.cell_a,
            by=None,
        )

    def admit(self, decision=None, ceremony=None):
        decision, ceremony = decision or D(2022, 8, 10), ceremony or D(2022, 9, 2)
        return ops.admit(
            person=self.person,
            cell=self.cell_a,
            decision_date=decision,
            ceremony_date=ceremony,
            by=None,
        )

    def test_r_mem_04_probation_counts_from_the_ceremony(self):
        record = self.admit()
        self.assertEqual(record.probation_end, D(2023, 9, 2))
        self.assertEqual(record.status_on(D(2022, 9, 1)), Status.NOT_MEMBER)
        self.assertEqual(record.status_on(D(2022, 9, 2)), Status.PROBATIONARY)
        self.assertEqual(record.status_on(D(2023, 9, 2)), Status.PROBATIONARY)  # not yet decided

    def test_r_mem_04_leap_day_ceremony(self):
        record = self.admit(decision=D(2024, 2, 1), ceremony=D(2024, 2, 29))
        self.assertEqual(record.probation_end, D(2025, 2, 28))

    def test_r_mem_06_official_date_is_the_end_of_probation_even_when_decided_late(self):
        self.admit()
        record = ops.recognize(person=self.person, decided_on=D(2023, 10, 20), by=None)
        self.assertEqual(record.official_date, D(2023, 9, 2))
        self.assertEqual(record.status_on(D(2023, 9, 2)), Status.OFFICIAL)
        self.assertEqual(record.status_on(D(2023, 9, 1)), Status.PROBATIONARY)

    def test_r_mem_05_recognition_window_and_early_decision_refused(self):
        record = self.admit()
        # 30 working days after 2/9/2023 (Quốc khánh 1/9 and 2/9, nghỉ bù 4/9).
        self.assertEqual(record.recognition_deadline, D(2023, 10, 16))
        with self.assertRaisesMessage(ValidationError, "Chưa hết 12 tháng dự bị"):
            ops.recognize(person=self.person, decided_on=D(2023, 9, 1), by=None)
        self.assertIsNone(PartyRecord.objects.get().official_date)

    def test_r_mem_07_party_age_from_the_decision_once_official(self):
        self.admit()
        ops.recognize(person=self.person, decided_on=D(2023, 9, 5), by=None)
        record = PartyRecord.objects.get()
        self.assertIsNone(record.party_age_on(D(2023, 8, 1)))
        self.assertEqual(record.party_age_on(D(2024, 8, 10)), 2)
        self.assertEqual(record.party_age_on(D(2024, 8, 9)), 1)

    def test_ceremony_before_decision_refused(self):
        with self.assertRaisesMessage(ValidationError, "Lễ kết nạp không thể trước"):
            self.admit(decision=D(2022, 9, 2), ceremony=D(2022, 8, 1))
        self.assertFalse(PartyRecord.objects.exists())

    def test_r_mem_14_no_second_admission(self):
        self.admit()
        ops.end_party_membership(
            person=self.person, on=D(2023, 1, 1), reason=EndReason.REMOVED, by=None
        )
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "R-MEM-14"):
            self.admit(decision=D(2024, 1, 1), ceremony=D(2024, 1, 20))
        self.assertEqual(snapshot(), before)

    def test_r_mem_01_admission_age_is_a_warning(self):
        self.person.birth_date = D(2005, 1, 1)
        warnings = ops.admission_warnings(self.person, D(2022, 8, 10), D(2022, 9, 2))
        self.assertEqual(len(warnings), 1)
        self.assertIn("17 tuổi", warnings[0])
        self.person.birth_date = D(2004, 8, 10)
        self.assertEqual(ops.admission_warnings(self.person, D(2022, 8, 10), D(2022, 9, 2)), [])

    def test_r_mem_03_late_ceremony_is_a_warning(self):
        warnings = ops.admission_warnings(self.person, D(2022, 8, 10), D(2022, 11, 1))
        self.assertTrue(any("R-MEM-03" in w for w in warnings))

    def test_r_txt_05_names_stored_nfc(self):
        nfd = unicodedata.normalize("NFD", "Nguyễn")
        person = ops.add_person(
            data=ops.PersonData(
                ho=nfd, ten_dem=unicodedata.normalize("NFD", "Thị  Thu"), ten="Hoà", gender="F"
            ),
            registered_by=self.cell_a,
            by=None,
        )
        person.refresh_from_db()
        self.assertEqual(person.full_name, "Nguyễn Thị Thu Hoà")
        self.assertTrue(unicodedata.is_normalized("NFC", person.ho))
        self.assertEqual(person.search_key, "nguyen thi thu hoa")

    def test_cccd_unique_and_thirteen_digits_refused(self):
        data = ops.PersonData(ho="A", ten_dem="", ten="B", gender="M", cccd="049090000001")
        ops.add_person(data=data, registered_by=self.cell_a, by=None)
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "đã có"):
            ops.add_person(data=data, registered_by=self.cell_a, by=None)
        data.cccd = "0490900000011"
        with self.assertRaisesMessage(ValidationError, "12 chữ số"):
            ops.add_person(data=data, registered_by=self.cell_a, by=None)
        self.assertEqual(snapshot(), before)


class TransferTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)
        cls.member = add_member(cls.cell_a, "Lê Văn Chuyển")
        cls.other = add_member(cls.cell_a, "Lê Văn Ở")

    def counted(self, cell, on):
        return set(
            Membership.objects.counted_on(on).filter(cell=cell).values_list("person", flat=True)
        )

    def test_r_mem_09_in_transit_counts_in_the_sending_cell_until_received(self):
        move = ops.transfer(
            person=self.member,
            kind=MembershipKind.OFFICIAL,
            on=D(2023, 3, 1),
            to_cell=self.cell_b,
            by=None,
        )
        self.assertTrue(move.is_pending)
        self.assertEqual(move.letter_deadline, D(2023, 4, 12))
        self.assertIn(self.member.pk, self.counted(self.cell_a, D(2023, 3, 1)))
        self.assertNotIn(self.member.pk, self.counted(self.cell_b, D(2023, 3, 1)))
        with self.settings(CHIBO_TRANSIT_COUNTS_IN="none"):  # the other rule, configured
            self.assertNotIn(self.member.pk, self.counted(self.cell_a, D(2023, 3, 1)))
        ops.receive(transfer=move, on=D(2023, 3, 10), by=None)
        self.assertIn(self.member.pk, self.counted(self.cell_a, D(2023, 3, 9)))
        self.assertNotIn(self.member.pk, self.counted(self.cell_a, D(2023, 3, 10)))
        self.assertIn(self.member.pk, self.counted(self.cell_b, D(2023, 3, 10)))
        self.assertIn(self.member.pk, self.counted(self.cell_a, D(2023, 2, 28)))

    def test_r_mem_10_temporary_members_are_outside_dang_so(self):
        ops.transfer(
            person=self.member,
            kind=MembershipKind.TEMPORARY,
            on=D(2023, 3, 1),
            to_cell=self.cell_b,
            until=D(2023, 9, 1),
            received_on=D(2023, 3, 2),
            by=None,
        )
        on = D(2023, 5, 24)
        self.assertIn(self.member.pk, self.counted(self.cell_a, on))
        self.assertNotIn(self.member.pk, self.counted(self.cell_b, on))
        temporary = Membership.objects.on(on).get(cell=self.cell_b)
        self.assertEqual(temporary.kind, MembershipKind.TEMPORARY)
        self.assertFalse(Membership.objects.on(D(2023, 9, 1)).filter(cell=self.cell_b).exists())

    def test_transfer_to_the_same_cell_changes_nothing(self):
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "trùng với chi bộ đang sinh hoạt"):
            ops.transfer(
                person=self.member,
                kind=MembershipKind.OFFICIAL,
                on=D(2023, 3, 1),
                to_cell=self.cell_a,
                by=None,
            )
        self.assertEqual(snapshot(), before)

    def test_temporary_without_term_refused(self):
        with self.assertRaises(ValidationError):
            ops.transfer(
                person=self.member,
                kind=MembershipKind.TEMPORARY,
                on=D(2023, 3, 1),
                to_cell=self.cell_b,
                by=None,
            )
        self.assertFalse(Transfer.objects.exists())

    def test_r_org_04_exempt_members_still_counted(self):
        ops.exempt(person=self.other, on=D(2023, 1, 1), reason="Ốm dài ngày", by=None)
        self.assertIn(self.other.pk, self.counted(self.cell_a, DAY))
        ops.end_exemption(person=self.other, on=D(2023, 6, 1), by=None)
        self.assertFalse(self.other.exemptions.filter(valid_to__isnull=True).exists())

    def test_removal_ends_membership_and_posts(self):
        ops.appoint(
            person=self.other, organization=self.cell_a, role="secretary", on=D(2021, 1, 1), by=None
        )
        ops.end_party_membership(
            person=self.other, on=D(2023, 1, 1), reason=EndReason.EXPELLED, by=None
        )
        self.assertNotIn(self.other.pk, self.counted(self.cell_a, D(2023, 1, 1)))
        self.assertIn(self.other.pk, self.counted(self.cell_a, D(2022, 12, 31)))
        self.assertEqual(self.other.positions.get().valid_to, D(2023, 1, 1))

    def test_death_ends_police_service_too(self):
        ops.record_death(person=self.other, on=D(2024, 2, 1), by=None)
        self.assertEqual(self.other.police_service.get().valid_to, D(2024, 2, 1))
        self.assertEqual(self.other.party.end_reason, EndReason.DIED)

    def test_follow_reorganization_carries_members(self):
        from chibo.orgs import operations as org_ops
        from chibo.test import attrs

        merged = org_ops.merge(
            sources=[self.cell_a, self.cell_b],
            new=attrs("Chi bộ AB", "subordinate_cell", "CB"),
            on=D(2024, 1, 1),
            by=None,
        )
        ops.follow_reorganization(
            sources=[self.cell_a, self.cell_b], successor=merged, on=D(2024, 1, 1)
        )
        self.assertEqual(self.counted(merged, D(2024, 1, 1)), {self.member.pk, self.other.pk})
        self.assertEqual(
            self.counted(self.cell_a, D(2023, 12, 31)), {self.member.pk, self.other.pk}
        )
