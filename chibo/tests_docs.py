"""The repository explains itself (issue 17): the rules catalogue ``docs/rules.md`` defines
every rule ID the code cites, and cites or marks every ID it defines; no link in the README
or ``docs/`` leaves the repository or points at a file a fresh clone lacks."""

import re
import unittest
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = ROOT / "docs" / "rules.md"
# R-ORG-04, F-6, BRIEF; not UTF-8 or a hyphenated word.
RULE_ID = re.compile(r"(?<![\w-])(R-[A-Z]{3}-\d{2}|F-\d+|BRIEF)(?![\w-])")
# "F-1..F-9", "R-MEM-04..06": every ID of the range is cited.
RANGE = re.compile(r"(?<![\w-])(R-[A-Z]{3}-|F-)(\d+)\.\.(?:\1)?(\d+)")
HEADING = re.compile(r"^### (\S+) — ", re.MULTILINE)
NOT_YET = "chưa triển khai / not yet implemented"
MARK = re.compile(r"\[(V|S|G|\?)\]")
# Markdown links and images, and HTML src/href attributes.
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|(?:src|href)=\"([^\"]+)\"")


def cited_ids(text: str) -> set[str]:
    found = set(RULE_ID.findall(text))
    for prefix, first, last in RANGE.findall(text):
        width = len(first) if prefix.startswith("R-") else 0
        found |= {f"{prefix}{n:0{width}d}" for n in range(int(first), int(last) + 1)}
    return found


def cited_in_code() -> dict[str, str]:
    """Each rule ID cited under ``chibo/`` (code, templates, tests), with one file citing it."""
    where = {}
    for path in sorted((ROOT / "chibo").rglob("*")):
        if path.suffix not in {".py", ".html", ".txt"} or path == Path(__file__).resolve():
            continue
        for rule in cited_ids(path.read_text(encoding="utf-8")):
            where.setdefault(rule, str(path.relative_to(ROOT)))
    return where


def catalogue_sections() -> dict[str, str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    heads = list(HEADING.finditer(text))
    return {
        m.group(1): text[m.end() : heads[i + 1].start() if i + 1 < len(heads) else len(text)]
        for i, m in enumerate(heads)
    }


def markdown_files() -> list[Path]:
    return [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]


class CatalogueTests(unittest.TestCase):
    """docs/rules.md against the code, both ways."""

    @classmethod
    def setUpClass(cls):
        cls.sections = catalogue_sections()
        cls.cited = cited_in_code()

    def test_the_parser_sees_ids_ranges_and_not_utf_8(self):
        self.assertEqual(
            cited_ids("R-ORG-04, F-6 (UTF-8) BRIEF:task"), {"R-ORG-04", "F-6", "BRIEF"}
        )
        self.assertEqual(cited_ids("article F-3..F-5"), {"F-3", "F-4", "F-5"})
        self.assertEqual(cited_ids("R-MEM-04..06"), {"R-MEM-04", "R-MEM-05", "R-MEM-06"})
        self.assertEqual(cited_ids("R-MTG-* and R-ORG-4"), set())

    def test_every_id_cited_under_chibo_is_defined_in_the_catalogue(self):
        missing = {rule: path for rule, path in self.cited.items() if rule not in self.sections}
        self.assertEqual(missing, {}, "cited in code, absent from docs/rules.md")

    def test_every_id_defined_is_cited_or_marked_not_yet_implemented(self):
        for rule, body in self.sections.items():
            with self.subTest(rule=rule):
                self.assertTrue(
                    rule in self.cited or NOT_YET in body,
                    f"{rule} is neither cited under chibo/ nor marked “{NOT_YET}”",
                )

    def test_every_entry_has_statement_source_period_mark_and_configuration(self):
        for rule, body in self.sections.items():
            with self.subTest(rule=rule):
                self.assertRegex(rule, RULE_ID)
                for field in ("Nội dung", "Căn cứ", "Hiệu lực", "Chỉnh được"):
                    self.assertRegex(body, rf"- \*\*{field}:\*\* \S")
                mark = re.search(r"- \*\*Độ tin cậy:\*\* (.+)", body)
                self.assertIsNotNone(mark)
                self.assertRegex(mark.group(1), MARK)

    def test_each_id_is_defined_once(self):
        heads = HEADING.findall(CATALOGUE.read_text(encoding="utf-8"))
        self.assertEqual(len(heads), len(set(heads)))


class LinkTests(unittest.TestCase):
    """README.md and docs/**.md: every link stays inside the repository and resolves."""

    def test_every_relative_link_resolves_and_none_leaves_the_repository(self):
        checked = 0
        for page in markdown_files():
            text = page.read_text(encoding="utf-8")
            # Code blocks hold commands and examples, not links.
            text = re.sub(r"```.*?```", "", text, flags=re.DOTALL)
            for match in LINK.finditer(text):
                target = match.group(1) or match.group(2)
                with self.subTest(page=str(page.relative_to(ROOT)), link=target):
                    self.assertNotRegex(target, r"^[a-zA-Z][a-zA-Z+.-]*:|^//", "leaves the repo")
                    path = target.split("#", 1)[0]
                    if not path:
                        continue
                    resolved = (page.parent / path).resolve()
                    self.assertTrue(resolved.is_relative_to(ROOT), "points outside the repo")
                    self.assertTrue(resolved.exists(), f"{resolved} does not exist")
                    checked += 1
        self.assertGreater(checked, 5)  # the parser found the links it should

    def test_no_page_sends_readers_to_files_outside_the_repository(self):
        for page in markdown_files():
            with self.subTest(page=page.name):
                self.assertNotIn("../shared/", page.read_text(encoding="utf-8"))


class GuideTests(unittest.TestCase):
    """docs/guide/: one guide per role, each screenshot taken by the browser test is shown."""

    def test_every_screenshot_taken_is_shown_in_a_guide_and_no_other_image_is(self):
        from chibo.imports.tests_browser import GUIDE_SHOT
        from chibo.tests_guide_shots import SHOTS

        guides = "".join(
            p.read_text(encoding="utf-8") for p in (ROOT / "docs" / "guide").glob("*.md")
        )
        shown = set(re.findall(r"\(img/([\w.-]+)\)", guides))
        taken = {f"{image}.jpg" for _user, image, _path, _text in SHOTS} | {GUIDE_SHOT}
        self.assertEqual(shown, taken)

    def test_the_index_links_a_guide_per_role_and_the_import_guide(self):
        index = (ROOT / "docs" / "guide" / "README.md").read_text(encoding="utf-8")
        for guide in ("bi-thu-chi-bo", "dang-uy-xa", "ban-to-chuc", "quan-tri", "nhap-du-lieu"):
            with self.subTest(guide=guide):
                self.assertIn(f"]({guide}.md)", index)
