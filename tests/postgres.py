"""A throw-away database on the PostgreSQL server the tests run against."""

import contextlib
import uuid

import dj_database_url


@contextlib.contextmanager
def fresh_database(server_url: str, *, prefix: str):
    """A new, empty database beside the one in server_url; dropped afterwards, even if in use."""
    import psycopg

    config = dj_database_url.parse(server_url)
    name = f"{prefix}_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=config["HOST"] or None,
        port=config["PORT"] or None,
        user=config["USER"] or None,
        password=config["PASSWORD"] or None,
        dbname="postgres",
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
