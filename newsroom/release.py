"""A fingerprint of the code, templates and static files this process serves.

The same in every process of one deployment, and different after any change to what
renders a page: cached pages and validators (ETags) carry it, so a deployment never
serves a page, or answers 304 for one, that an older release rendered.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("articles", "bias", "newsroom", "templates", "static")
SUFFIXES = {".py", ".html", ".xml", ".txt", ".css", ".js", ".svg"}


@lru_cache(maxsize=1)
def fingerprint() -> str:
    digest = hashlib.sha256()
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            if path.suffix in SUFFIXES and "migrations" not in path.parts and path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]
