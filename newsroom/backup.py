"""Back up and restore the database and the uploaded media together, with django-dbbackup.

    python -m newsroom.backup backup             # writes BACKUP_DIR/newsroom-<UTC time>/
    python -m newsroom.backup restore FOLDER     # puts that backup's database and media back

django-dbbackup does the work. Its `dbbackup` command dumps the database
(PostgreSQL: pg_dump's custom format; SQLite: a consistent copy made with
SQLite's backup API) and `dbrestore` puts it back (pg_restore --clean in one
transaction; the SQLite copy written over the database file). `mediabackup`
tars every file in the media storage (MEDIA_ROOT) and `mediarestore` saves
them back. This module keeps one backup's two halves together, in one folder:

    database.<sqlite3|psql.bin>.gz            the database, gzipped
    database.<sqlite3|psql.bin>.gz.metadata   the engine it came from: restore refuses another
    media.tar.gz                              every media file

Restoring replaces the media as well as the database: files uploaded after
the backup are deleted, as the rows that pointed at them are gone.
`make backup` and `make restore BACKUP=...` call this.
"""

import argparse
import os
import posixpath
import sys
from datetime import UTC, datetime
from pathlib import Path

DATABASE_GLOB = "database.*.gz"
MEDIA_ARCHIVE = "media.tar.gz"


def backup() -> Path:
    """Write the database and the media into a new folder in BACKUP_DIR; return its path."""
    from dbbackup.db.base import get_connector
    from django.conf import settings
    from django.core.management import call_command

    folder = "newsroom-" + datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    database = f"{folder}/database.{get_connector().extension}.gz"
    call_command("dbbackup", "--noinput", "--compress", "--output-filename", database)
    # A site with no uploads yet may have no MEDIA_ROOT: its media archive is empty.
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    call_command(
        "mediabackup", "--noinput", "--compress", "--output-filename", f"{folder}/{MEDIA_ARCHIVE}"
    )
    return Path(settings.BACKUP_DIR) / folder


def _empty_media_storage() -> None:
    from django.core.files.storage import default_storage

    folders = [""]
    while folders:
        folder = folders.pop()
        subfolders, files = default_storage.listdir(folder)
        for name in files:
            default_storage.delete(posixpath.join(folder, name))
        folders.extend(posixpath.join(folder, subfolder) for subfolder in subfolders)


def restore(folder: Path) -> None:
    """Replace the database and the media with those of a backup folder."""
    from django.conf import settings
    from django.core.management import call_command

    databases = sorted(folder.glob(DATABASE_GLOB))
    media = folder / MEDIA_ARCHIVE
    if len(databases) != 1 or not media.is_file():
        raise SystemExit(
            f"{folder} is not a backup: it should hold one {DATABASE_GLOB} and {MEDIA_ARCHIVE}."
        )
    call_command("dbrestore", "--noinput", "--uncompress", "--input-path", str(databases[0]))
    Path(settings.MEDIA_ROOT).mkdir(parents=True, exist_ok=True)
    _empty_media_storage()
    call_command(
        "mediarestore", "--noinput", "--uncompress", "--replace", "--input-path", str(media)
    )


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsroom.settings")
    import django

    django.setup()
    from django.core.management import CommandError

    parser = argparse.ArgumentParser(prog="python -m newsroom.backup", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("backup", help="write the database and media into BACKUP_DIR")
    put_back = commands.add_parser("restore", help="put a backup's database and media back")
    put_back.add_argument("folder", type=Path)
    options = parser.parse_args(argv)
    try:
        if options.command == "backup":
            print(f"Backed up to {backup()}")
        else:
            restore(options.folder)
            print(f"Restored the database and media of {options.folder}")
    except CommandError as error:  # e.g. a PostgreSQL backup restored into SQLite
        raise SystemExit(str(error)) from error


if __name__ == "__main__":
    main(sys.argv[1:])
