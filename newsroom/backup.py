"""Back up and restore the database and the uploaded media, as one archive.

    python -m newsroom.backup backup --to DIR      # writes DIR/newsroom-<UTC time>.tar.gz
    python -m newsroom.backup restore ARCHIVE      # puts the database and media back

The archive holds `database.dump` (PostgreSQL, pg_dump's custom format) or
`database.sqlite3` (SQLite, a consistent copy made with SQLite's backup API),
`media/` (a copy of MEDIA_ROOT) and `manifest.json`. The database and media
come from the same settings the site runs with (DATABASE_URL, MEDIA_ROOT).
`make backup` and `make restore BACKUP=...` call this.
"""

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import tempfile
from datetime import UTC, datetime
from pathlib import Path

FORMAT_VERSION = 1


def _database():
    from django.conf import settings

    return settings.DATABASES["default"]


def _engine(database) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise SystemExit(f"Backups support PostgreSQL and SQLite, not {engine}.")


def _pg_args(database) -> tuple[list[str], dict]:
    """Connection arguments for pg_dump/pg_restore; the password travels in the environment."""
    args = ["--dbname", database["NAME"]]
    if database.get("HOST"):
        args += ["--host", database["HOST"]]
    if database.get("PORT"):
        args += ["--port", str(database["PORT"])]
    if database.get("USER"):
        args += ["--username", database["USER"]]
    env = dict(os.environ)
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = database["PASSWORD"]
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise SystemExit(f"{name} is not installed; it comes with the PostgreSQL client tools.")
    return path


def backup(*, to: Path) -> Path:
    """Write one archive of the database and MEDIA_ROOT into `to`; return its path."""
    from django.conf import settings

    database = _database()
    engine = _engine(database)
    media_root = Path(settings.MEDIA_ROOT)
    to.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    archive = to / f"newsroom-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        if engine == "postgresql":
            dump = work / "database.dump"
            args, env = _pg_args(database)
            subprocess.run(  # noqa: S603 - fixed arguments from the site's own settings
                [_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(dump), *args],
                check=True,
                env=env,
            )
        else:
            dump = work / "database.sqlite3"
            source = sqlite3.connect(database["NAME"])
            target = sqlite3.connect(dump)
            with target:
                source.backup(target)
            source.close()
            target.close()
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": datetime.now(UTC).isoformat(),
            "media_files": sum(1 for p in media_root.rglob("*") if p.is_file())
            if media_root.exists()
            else 0,
        }
        (work / "manifest.json").write_text(json.dumps(manifest, indent=2))
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(work / "manifest.json", arcname="manifest.json")
            tar.add(dump, arcname=dump.name)
            if media_root.exists():
                tar.add(media_root, arcname="media")
        partial.rename(archive)  # a half-written archive never looks like a backup
    return archive


def restore(*, archive: Path) -> dict:
    """Replace the database and MEDIA_ROOT with the archive's. Returns its manifest."""
    from django.conf import settings

    database = _database()
    engine = _engine(database)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory() as work:
        work = Path(work)
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(work, filter="data")  # refuses absolute paths and links out
        manifest = json.loads((work / "manifest.json").read_text())
        if manifest["engine"] != engine:
            raise SystemExit(
                f"This archive holds a {manifest['engine']} database; "
                f"the site is configured for {engine}."
            )
        if engine == "postgresql":
            args, env = _pg_args(database)
            subprocess.run(  # noqa: S603 - fixed arguments from the site's own settings
                [
                    _tool("pg_restore"),
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--no-privileges",
                    "--single-transaction",
                    *args,
                    str(work / "database.dump"),
                ],
                check=True,
                env=env,
            )
        else:
            source = sqlite3.connect(work / "database.sqlite3")
            target = sqlite3.connect(database["NAME"])
            with target:
                source.backup(target)
            source.close()
            target.close()
        restored_media = work / "media"
        if media_root.exists():
            shutil.rmtree(media_root)
        if restored_media.exists():
            shutil.copytree(restored_media, media_root)
        else:
            media_root.mkdir(parents=True)
    return manifest


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    parser = argparse.ArgumentParser(prog="python -m newsroom.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser("backup", help="write an archive of the database and media")
    make.add_argument("--to", type=Path, required=True, help="folder for the archive")
    put_back = commands.add_parser("restore", help="put an archive's database and media back")
    put_back.add_argument("archive", type=Path)
    options = parser.parse_args(argv)
    if options.command == "backup":
        print(f"Backed up to {backup(to=options.to)}")
    else:
        manifest = restore(archive=options.archive)
        print(f"Restored the {manifest['engine']} backup of {manifest['created_at']}")


if __name__ == "__main__":
    main(sys.argv[1:])
