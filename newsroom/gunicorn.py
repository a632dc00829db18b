"""gunicorn settings for serving Newsroom: `gunicorn -c newsroom/gunicorn.py newsroom.wsgi`.

`make serve` uses this file. Every value can be changed from the environment:

GUNICORN_BIND        address to listen on                      127.0.0.1:8000
GUNICORN_WORKERS     worker processes                          2 × CPU cores + 1
GUNICORN_THREADS     threads per worker                        1
GUNICORN_TIMEOUT     seconds before a silent worker is killed  30
GUNICORN_ACCESS_LOG  "-" to log each request to stdout          off
GUNICORN_FORWARDED_ALLOW_IPS  proxies trusted for X-Forwarded-*  127.0.0.1
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# Django does blocking I/O (database, files): a few processes per core keep
# the cores busy while others wait. Two cores give five workers.
workers = int(os.environ.get("GUNICORN_WORKERS") or 2 * multiprocessing.cpu_count() + 1)
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5
# Workers are replaced now and then, so that a slow leak never grows for long.
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a disk that may stall.
SHARED_MEMORY = "/dev/shm"  # noqa: S108 - gunicorn's own advice for its heartbeat files
worker_tmp_dir = SHARED_MEMORY if os.path.isdir(SHARED_MEMORY) else None
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# The application is loaded once, in the master, then shared by the workers;
# each worker opens its own database connections after the fork.
preload_app = True
