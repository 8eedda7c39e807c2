"""docs/api.md is replayed (issue 17): every ``bash`` block runs, in order, against a live
server with the demo loaded, with ``CHIBO`` and ``TOKEN`` set as the page says; each
``# → 200 "text"`` line must match the status line of a ``curl -si`` answer, in order, and
the quoted text must be in the output. So the examples a reader copies keep working."""

import io
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import LiveServerTestCase

from chibo.accounts.models import ApiToken, User
from chibo.browser import _restore_shipped_data

PAGE = Path(__file__).resolve().parent.parent / "docs" / "api.md"
BLOCK = re.compile(r"```bash\n(.*?)```", re.DOTALL)
EXPECT = re.compile(r'^# → (\d{3})(?: "(.*)")?$', re.MULTILINE)
STATUS = re.compile(r"HTTP/1\.[01] (\d{3}) ")  # a body may end without a newline


def blocks() -> list[str]:
    return BLOCK.findall(PAGE.read_text(encoding="utf-8"))


def expectations(block: str) -> list[tuple[str, str]]:
    # The page writes JSON's escaped quotes as \" inside the quoted text.
    return [(status, text.replace('\\"', '"')) for status, text in EXPECT.findall(block)]


def test_the_page_has_examples_and_each_says_what_it_expects():
    found = blocks()
    assert len(found) >= 8
    for block in found:
        assert expectations(block), block
        assert len(expectations(block)) == block.count("curl -si"), block


@pytest.mark.once
@pytest.mark.skipif(not shutil.which("curl"), reason="cần curl")
class ApiDocsReplayTests(LiveServerTestCase):
    def setUp(self):
        super().setUp()
        _restore_shipped_data()  # the flush after a live-server test empties them
        call_command("demo", verbosity=0, stdout=io.StringIO())
        _, self.token = ApiToken.issue(user=User.objects.get(username="bantochuc"), name="docs")

    def test_every_example_of_docs_api_md(self):
        env = {**os.environ, "CHIBO": self.live_server_url, "TOKEN": self.token}
        with tempfile.TemporaryDirectory() as work:
            for number, block in enumerate(blocks(), 1):
                with self.subTest(block=number, first_line=block.splitlines()[0]):
                    run = subprocess.run(
                        ["bash", "-euo", "pipefail", "-c", block],
                        cwd=work,
                        env=env,
                        capture_output=True,
                        text=True,
                        timeout=60,
                    )
                    self.assertEqual(run.returncode, 0, run.stderr)
                    expected = expectations(block)
                    self.assertEqual(
                        STATUS.findall(run.stdout), [s for s, _t in expected], run.stdout[-2000:]
                    )
                    for _status, text in expected:
                        if text:
                            self.assertIn(text, run.stdout)
