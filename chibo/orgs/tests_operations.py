"""Reorganizations keep history (R-GEO-04) and change nothing when refused."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.test import TestCase

from chibo.orgs import operations
from chibo.orgs.models import (
    Kind,
    Organization,
    OrgEvent,
    OrgLink,
    OrgSuccession,
    OrgVersion,
    Relation,
)
from chibo.test import START, attrs, build_tree

D = dt.date


def names_under(org, on):
    ids = OrgLink.objects.on(on).filter(parent=org).values("child_id")
    return sorted(
        OrgVersion.objects.on(on).filter(organization_id__in=ids).values_list("name", flat=True)
    )


def snapshot():
    return (
        list(OrgVersion.objects.values_list()),
        list(OrgLink.objects.values_list()),
        OrgEvent.objects.count(),
        OrgSuccession.objects.count(),
        Organization.objects.count(),
    )


class OperationsTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        build_tree(cls)

    def test_create_records_version_links_and_event(self):
        org = operations.create(
            attrs=attrs("Chi bộ mới", Kind.SUBORDINATE_CELL, "CB"),
            on=D(2022, 3, 1),
            by=None,
            parent=self.commune_a,
            sector_superior=self.police,
        )
        self.assertIsNone(org.version_on(D(2022, 2, 28)))
        self.assertEqual(org.version_on(D(2022, 3, 1)).name, "Chi bộ mới")
        self.assertEqual(org.superior_on(D(2022, 3, 1)), self.commune_a)
        self.assertEqual(org.superior_on(D(2022, 3, 1), Relation.SECTOR), self.police)
        self.assertEqual(org.events.get().kind, "create")

    def test_create_under_a_parent_that_does_not_exist_yet_is_refused(self):
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "không tồn tại vào ngày 01/01/2019"):
            operations.create(attrs=attrs("X"), on=D(2019, 1, 1), by=None, parent=self.district)
        self.assertEqual(snapshot(), before)

    def test_create_requires_name_and_code(self):
        with self.assertRaises(ValidationError) as caught:
            operations.create(attrs=attrs("  "), on=START, by=None, parent=self.district)
        self.assertIn("name", caught.exception.error_dict)

    def test_rename_keeps_old_name_for_earlier_dates(self):
        operations.rename(org=self.commune_a, on=D(2024, 1, 1), by=None, name="Đảng ủy xã A Mới")
        self.assertEqual(self.commune_a.version_on(D(2023, 12, 31)).name, "Đảng ủy xã A")
        self.assertEqual(self.commune_a.version_on(D(2024, 1, 1)).name, "Đảng ủy xã A Mới")
        self.assertEqual(self.commune_a.versions.count(), 2)

    def test_rename_in_the_middle_keeps_later_versions(self):
        operations.rename(org=self.commune_a, on=D(2024, 1, 1), by=None, name="Tên 2024")
        operations.rename(org=self.commune_a, on=D(2022, 1, 1), by=None, issuer_code="ĐUX")
        version_2022 = self.commune_a.version_on(D(2022, 6, 1))
        self.assertEqual((version_2022.name, version_2022.issuer_code), ("Đảng ủy xã A", "ĐUX"))
        self.assertEqual(version_2022.valid_to, D(2024, 1, 1))
        self.assertEqual(self.commune_a.version_on(D(2024, 6, 1)).name, "Tên 2024")

    def test_rename_with_nothing_changed_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "Không có thông tin nào thay đổi"):
            operations.rename(org=self.commune_a, on=D(2024, 1, 1), by=None, name="Đảng ủy xã A")

    def test_r_org_11_kind_changes_over_time(self):
        operations.rename(org=self.cell_a, on=D(2025, 7, 1), by=None, kind=Kind.GRASSROOTS_CELL)
        self.assertEqual(self.cell_a.version_on(D(2025, 6, 30)).kind, Kind.SUBORDINATE_CELL)
        self.assertEqual(self.cell_a.version_on(D(2025, 7, 1)).kind, Kind.GRASSROOTS_CELL)

    def test_move_changes_parent_from_the_day(self):
        operations.move(org=self.cell_a, on=D(2023, 1, 1), by=None, parent=self.commune_b)
        self.assertEqual(self.cell_a.superior_on(D(2022, 12, 31)), self.commune_a)
        self.assertEqual(self.cell_a.superior_on(D(2023, 1, 1)), self.commune_b)
        self.assertEqual(
            names_under(self.commune_b, D(2023, 1, 1)),
            ["Chi bộ Công an xã A", "Chi bộ Công an xã B"],
        )

    def test_move_sector_relation_is_separate(self):
        operations.move(
            org=self.cell_a, on=D(2023, 1, 1), by=None, parent=None, relation=Relation.SECTOR
        )
        self.assertIsNone(self.cell_a.superior_on(D(2023, 1, 1), Relation.SECTOR))
        self.assertEqual(self.cell_a.superior_on(D(2023, 1, 1)), self.commune_a)

    def test_move_that_makes_a_cycle_is_refused_and_changes_nothing(self):
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "vòng lặp"):
            operations.move(org=self.district, on=D(2023, 1, 1), by=None, parent=self.cell_a)
        self.assertEqual(snapshot(), before)

    def test_move_to_the_same_parent_is_refused(self):
        with self.assertRaisesMessage(ValidationError, "đã ở dưới cấp trên này"):
            operations.move(org=self.cell_a, on=D(2023, 1, 1), by=None, parent=self.commune_a)

    def test_merge_into_new_moves_children_and_records_successions(self):
        merged = operations.merge(
            sources=[self.commune_a, self.commune_b],
            new=attrs("Đảng ủy xã AB"),
            on=D(2024, 12, 1),
            by=None,
            decision="NQ 1241",
        )
        on = D(2024, 12, 1)
        self.assertIsNone(self.commune_a.version_on(on))
        self.assertEqual(merged.superior_on(on), self.district)
        self.assertEqual(names_under(merged, on), ["Chi bộ Công an xã A", "Chi bộ Công an xã B"])
        self.assertEqual(
            names_under(self.district, D(2024, 11, 30)), ["Đảng ủy xã A", "Đảng ủy xã B"]
        )
        self.assertEqual(names_under(self.district, on), ["Đảng ủy xã AB"])
        self.assertEqual(
            set(OrgSuccession.objects.values_list("predecessor", "successor")),
            {(self.commune_a.pk, merged.pk), (self.commune_b.pk, merged.pk)},
        )
        event = OrgEvent.objects.get(kind="merge")
        self.assertEqual(event.decision, "NQ 1241")
        self.assertIn("Đảng ủy xã A, Đảng ủy xã B", event.summary)

    def test_merge_into_existing(self):
        operations.merge(sources=[self.commune_b], into=self.commune_a, on=D(2024, 1, 1), by=None)
        self.assertEqual(
            names_under(self.commune_a, D(2024, 1, 1)),
            ["Chi bộ Công an xã A", "Chi bộ Công an xã B"],
        )
        self.assertIsNotNone(self.commune_a.version_on(D(2024, 1, 1)))

    def test_merge_of_nothing_is_refused_and_changes_nothing(self):
        before = snapshot()
        for kwargs in (
            {"sources": [], "new": attrs("X")},
            {"sources": [self.commune_a], "new": attrs("X")},
            {"sources": [self.commune_a], "into": self.commune_a},
            {"sources": [self.commune_a, self.commune_b]},
        ):
            with self.subTest(kwargs=kwargs), self.assertRaises(ValidationError):
                operations.merge(on=D(2024, 1, 1), by=None, **kwargs)
        self.assertEqual(snapshot(), before)

    def test_merge_refused_when_later_changes_exist(self):
        operations.rename(org=self.commune_b, on=D(2025, 1, 1), by=None, name="B mới")
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "thay đổi được ghi sau ngày"):
            operations.merge(
                sources=[self.commune_a, self.commune_b], new=attrs("AB"), on=D(2024, 1, 1), by=None
            )
        self.assertEqual(snapshot(), before)

    def test_split_assigns_children_and_ends_source(self):
        parts = operations.split(
            org=self.district,
            on=D(2024, 1, 1),
            by=None,
            parts=[
                attrs("Huyện ủy H1", Kind.DISTRICT, "HU"),
                attrs("Huyện ủy H2", Kind.DISTRICT, "HU"),
            ],
            children={self.commune_a.pk: 0, self.commune_b.pk: 1},
        )
        on = D(2024, 1, 1)
        self.assertIsNone(self.district.version_on(on))
        self.assertEqual(names_under(parts[0], on), ["Đảng ủy xã A"])
        self.assertEqual(names_under(parts[1], on), ["Đảng ủy xã B"])
        self.assertEqual(parts[0].superior_on(on), self.province)
        self.assertEqual(OrgSuccession.objects.filter(predecessor=self.district).count(), 2)

    def test_split_with_an_unassigned_child_is_refused(self):
        before = snapshot()
        with self.assertRaisesMessage(ValidationError, "chưa được giao"):
            operations.split(
                org=self.district,
                on=D(2024, 1, 1),
                by=None,
                parts=[attrs("H1"), attrs("H2")],
                children={self.commune_a.pk: 0},
            )
        self.assertEqual(snapshot(), before)

    def test_dissolve_refused_with_children_then_allowed(self):
        with self.assertRaisesMessage(ValidationError, "còn 1 tổ chức trực thuộc"):
            operations.dissolve(org=self.commune_a, on=D(2024, 1, 1), by=None)
        operations.merge(sources=[self.cell_a], into=self.cell_b, on=D(2024, 1, 1), by=None)
        operations.dissolve(org=self.commune_a, on=D(2024, 1, 1), by=None)
        self.assertIsNone(self.commune_a.version_on(D(2024, 1, 1)))
        self.assertEqual(self.commune_a.version_on(D(2023, 12, 31)).name, "Đảng ủy xã A")
        self.assertEqual(self.commune_a.lifetime(), (START, D(2024, 1, 1)))

    def test_dissolve_on_a_day_the_org_does_not_exist(self):
        with self.assertRaisesMessage(ValidationError, "không tồn tại vào ngày"):
            operations.dissolve(org=self.cell_a, on=D(2019, 1, 1), by=None)

    def test_subtree_with_predecessors(self):
        merged = operations.merge(
            sources=[self.commune_a, self.commune_b], new=attrs("AB"), on=D(2024, 1, 1), by=None
        )
        plain = Organization.objects.subtree_ids([merged.pk], D(2023, 1, 1))
        self.assertEqual(plain, {merged.pk})
        inherited = Organization.objects.subtree_ids(
            [merged.pk], D(2023, 1, 1), with_predecessors=True
        )
        self.assertEqual(
            inherited,
            {merged.pk, self.commune_a.pk, self.commune_b.pk, self.cell_a.pk, self.cell_b.pk},
        )
