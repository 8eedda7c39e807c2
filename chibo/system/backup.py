"""One archive holds everything needed to bring chibo back (issue 11 §5): the database, every
uploaded file (media), and a manifest with the schema version and a sha256 for every part.

The archive is a gzip'd tar:

    manifest.json        format, engine, created_at, applied migrations, parts {name: sha256, size}
    database.sqlite3     SQLite's online backup API: one consistent snapshot, writers go on
    database.pgdump      or pg_dump --format=custom: one consistent snapshot (one transaction)
    media/...            every file under MEDIA_ROOT

The database is copied first and the files second: a file is written before the row that
names it commits, so every file the snapshot names is already on disk when files are copied.
Issued papers (BÁO CÁO, THÔNG BÁO) live in the database, so they come with it.
"""

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = 1
MANIFEST = "manifest.json"
NAME = re.compile(r"^chibo-(\d{8})-(\d{6})\.tar\.gz$")


class BackupError(Exception):
    """A refusal or failure, with a Vietnamese message for the operator."""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for block in iter(lambda: stream.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _engine() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    # Through the environment, never the command line (visible to every user in `ps`).
    env.update(
        {
            "PGHOST": str(db.get("HOST") or ""),
            "PGPORT": str(db.get("PORT") or ""),
            "PGUSER": str(db.get("USER") or ""),
            "PGPASSWORD": str(db.get("PASSWORD") or ""),
            "PGDATABASE": str(db["NAME"]),
        }
    )
    return {k: v for k, v in env.items() if v != ""}


def _run(command: list[str]) -> None:
    if shutil.which(command[0]) is None:
        raise BackupError(f"Không tìm thấy lệnh {command[0]}; cài gói postgresql-client.")
    result = subprocess.run(command, env=_pg_env(), capture_output=True, text=True)
    if result.returncode != 0:
        raise BackupError(f"{command[0]} lỗi: {result.stderr.strip()[:500]}")


def _dump_database(folder: Path) -> Path:
    if _engine() == "sqlite":
        target = folder / "database.sqlite3"
        source = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
        copy = sqlite3.connect(target)
        try:
            # pages=-1 (all in one step) reads one consistent snapshot; in WAL mode the
            # writers keep writing meanwhile.
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return target
    target = folder / "database.pgdump"
    _run(["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"])
    return target


def _applied_migrations() -> list[str]:
    return sorted(f"{a}.{n}" for a, n in MigrationRecorder(connection).applied_migrations())


def _media_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    if not root.exists():
        return []
    return sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


@dataclass
class Result:
    path: Path
    size: int
    parts: int


def create(output: Path, *, now: dt.datetime | None = None) -> Result:
    """Write ``chibo-YYYYmmdd-HHMMSS.tar.gz`` into ``output`` and return it."""
    now = timezone.localtime(now or timezone.now())
    output.mkdir(parents=True, exist_ok=True)
    final = output / f"chibo-{now:%Y%m%d-%H%M%S}.tar.gz"
    if final.exists():
        raise BackupError(f"Đã có bản sao lưu {final.name}; chờ một giây rồi chạy lại.")
    with tempfile.TemporaryDirectory(dir=output, prefix=".chibo-backup-") as work:
        folder = Path(work)
        migrations = _applied_migrations()
        database = _dump_database(folder)
        parts = {database.name: {"sha256": _sha256(database), "size": database.stat().st_size}}
        media_root = Path(settings.MEDIA_ROOT)
        files = _media_files()
        for path in files:
            name = "media/" + path.relative_to(media_root).as_posix()
            parts[name] = {"sha256": _sha256(path), "size": path.stat().st_size}
        manifest = {
            "format": FORMAT,
            "engine": _engine(),
            "created_at": now.isoformat(),
            "migrations": migrations,
            "parts": parts,
        }
        (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        partial = folder / "archive.partial"
        with tarfile.open(partial, "w:gz", compresslevel=6) as tar:
            tar.add(folder / MANIFEST, arcname=MANIFEST)
            tar.add(database, arcname=database.name)
            for path in files:
                tar.add(path, arcname="media/" + path.relative_to(media_root).as_posix())
        # The archive holds personal data: readable by its owner only.
        partial.chmod(0o600)
        partial.rename(final)  # same folder: the archive appears whole or not at all
    return Result(final, final.stat().st_size, len(parts))


def rotate(output: Path, *, keep_daily: int, keep_monthly: int) -> list[Path]:
    """Keep the newest archive of each of the last ``keep_daily`` days and of each of the
    last ``keep_monthly`` months; delete the other ``chibo-*.tar.gz`` in ``output``."""
    archives = sorted(
        (p for p in output.iterdir() if NAME.match(p.name)), key=lambda p: p.name, reverse=True
    )
    keep: set[Path] = set()
    days: list[str] = []
    months: list[str] = []
    for path in archives:  # newest first
        day = NAME.match(path.name).group(1)
        if day not in days:
            days.append(day)
            if len(days) <= keep_daily:
                keep.add(path)
        if day[:6] not in months:
            months.append(day[:6])
            if len(months) <= keep_monthly:
                keep.add(path)
    removed = [p for p in archives if p not in keep]
    for path in removed:
        path.unlink()
    return removed


def _read_manifest(tar: tarfile.TarFile) -> dict:
    try:
        member = tar.getmember(MANIFEST)
        manifest = json.load(tar.extractfile(member))
    except (KeyError, ValueError, AttributeError):
        raise BackupError("Tệp không phải bản sao lưu của chibo (thiếu manifest.json).") from None
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Định dạng bản sao lưu {manifest.get('format')} không được hỗ trợ.")
    return manifest


def _database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


def _media_is_empty() -> bool:
    root = Path(settings.MEDIA_ROOT)
    return not root.exists() or not any(root.iterdir())


def _safe_name(name: str) -> bool:
    path = PurePosixPath(name)
    return not path.is_absolute() and ".." not in path.parts


def _drop_all_tables() -> None:
    with connection.cursor() as cursor:
        tables = connection.introspection.table_names(cursor)
        quote = connection.ops.quote_name
        if connection.vendor == "postgresql":
            if tables:
                cursor.execute(f"DROP TABLE {', '.join(quote(t) for t in tables)} CASCADE")
            # Functions outlive their tables (the audit's append-only trigger function), and
            # the dump creates them again: without this the restore stops at "already exists".
            cursor.execute("DROP FUNCTION IF EXISTS chibo_audit_refuse() CASCADE")
        else:
            cursor.execute("PRAGMA foreign_keys = OFF")
            for table in tables:
                cursor.execute(f"DROP TABLE {quote(table)}")


def restore(archive: Path, *, force: bool = False) -> dict:
    """Restore ``archive`` into this installation's database and media folder.

    Refuses a schema newer than the code (a migration the code does not know), a part whose
    sha256 differs from the manifest, and a database or media folder that is not empty
    unless ``force``. Returns the manifest."""
    if not archive.is_file():
        raise BackupError(f"Không tìm thấy tệp {archive}.")
    try:
        tar = tarfile.open(archive, "r:gz")  # noqa: SIM115 - closed by the `with` below
    except (tarfile.TarError, OSError):
        raise BackupError(f"{archive.name} không phải tệp .tar.gz đọc được.") from None
    with tar, tempfile.TemporaryDirectory(prefix=".chibo-restore-") as work:
        manifest = _read_manifest(tar)
        if manifest.get("engine") != _engine():
            raise BackupError(
                f"Bản sao lưu của {manifest.get('engine')}, cơ sở dữ liệu đích là {_engine()}."
            )
        known = {
            f"{a}.{n}" for a, n in MigrationLoader(None, ignore_no_migrations=True).graph.nodes
        }
        newer = sorted(set(manifest["migrations"]) - known)
        if newer:
            raise BackupError(
                "Bản sao lưu có lược đồ mới hơn phiên bản chibo này (migration chưa biết: "
                f"{', '.join(newer[:5])}); hãy cài phiên bản mới hơn rồi khôi phục."
            )
        if not force and not (_database_is_empty() and _media_is_empty()):
            raise BackupError(
                "Cơ sở dữ liệu hoặc thư mục tệp đích không trống; dùng --force để ghi đè."
            )
        folder = Path(work)
        parts = manifest["parts"]
        for member in tar:
            if member.name == MANIFEST:
                continue
            if member.name not in parts or not member.isfile() or not _safe_name(member.name):
                raise BackupError(f"Bản sao lưu chứa phần lạ: {member.name!r}.")
            tar.extract(member, folder, filter="data")
            if _sha256(folder / member.name) != parts[member.name]["sha256"]:
                raise BackupError(f"Phần {member.name} hỏng (sha256 không khớp).")
        missing = sorted(name for name in parts if not (folder / name).is_file())
        if missing:
            raise BackupError(f"Bản sao lưu thiếu phần: {', '.join(missing[:5])}.")
        _restore_database(folder)
        _restore_media(folder / "media")
    return manifest


def _restore_database(folder: Path) -> None:
    connection.close()
    if _engine() == "sqlite":
        # The backup API replaces every page of the target, whatever it held before.
        source = sqlite3.connect(folder / "database.sqlite3")
        copy = sqlite3.connect(settings.DATABASES["default"]["NAME"], timeout=60)
        try:
            source.backup(copy)
        finally:
            copy.close()
            source.close()
        return
    if not _database_is_empty():  # only reached with --force
        _drop_all_tables()
        connection.close()
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error"]
    command += ["--single-transaction", f"--dbname={settings.DATABASES['default']['NAME']}"]
    _run([*command, str(folder / "database.pgdump")])


def _restore_media(source: Path) -> None:
    root = Path(settings.MEDIA_ROOT)
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    if source.exists():
        shutil.copytree(source, root, dirs_exist_ok=True)
