"""For .ci/fuzz: a bearer token per persona, and a schemathesis config per persona whose
dictionaries hold the ids that exist in the demo, so generated requests reach the operations'
logic and not only their 404. Usage: fuzz_setup.py OUT_DIR BASE_CONFIG USER..."""

import os
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
django.setup()

from chibo.accounts.models import ApiToken, User  # noqa: E402
from chibo.briefings.models import Assignment, Conference, Recommendation  # noqa: E402
from chibo.meetings.models import Meeting  # noqa: E402
from chibo.members.models import Person, Position, Transfer  # noqa: E402
from chibo.orgs.models import Organization  # noqa: E402

IDS = {
    "people": Person,
    "meetings": Meeting,
    "conferences": Conference,
    "recommendations": Recommendation,
    "tasks": Assignment,
    "positions": Position,
    "transfers": Transfer,
    "organizations": Organization,
}
BINDINGS = {
    "path.person_id": "people",
    "path.meeting_id": "meetings",
    "path.conference_id": "conferences",
    "path.rec_id": "recommendations",
    "path.task_id": "tasks",
    "path.position_id": "positions",
    "path.transfer_id": "transfers",
    "path.org_id": "organizations",
    "path.cell_id": "organizations",
    "body.person": "people",
    "body.chair": "people",
    "body.minute_taker": "people",
    "body.cell": "organizations",
    "body.organization": "organizations",
    "body.registered_by": "organizations",
    "body.police_cell": "organizations",
    "body.to_cell": "organizations",
    "body.host": "organizations",
    "body.raised_by": "organizations",
    "body.addressed_to": "organizations",
}


def main(out: Path, base: Path, users: list[str]) -> None:
    lines = [base.read_text(encoding="utf-8"), ""]
    for name, model in IDS.items():
        ids = list(model.objects.order_by("pk").values_list("pk", flat=True)[:300]) or [1]
        lines.append(f"[dictionaries.{name}]\nvalues = {ids}\n")
    lines.append("[parameters]")
    for key, name in BINDINGS.items():
        lines.append(f'"{key}" = {{ dictionary = "{name}", probability = 0.8 }}')
    (out / "schemathesis.toml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    for username in users:
        _token, key = ApiToken.issue(user=User.objects.get(username=username), name="fuzz")
        (out / f"{username}.key").write_text(key, encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3:])
