"""The `chibo` console command: Django's manage.py, installed with the package."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "chibo.settings")
    from django.core.management import execute_from_command_line

    from chibo.audit.context import as_command

    # What a command changes is recorded as done by a command (the audit history).
    with as_command():
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
