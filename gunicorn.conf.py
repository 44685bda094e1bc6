"""Production settings of the web server; gunicorn reads this file from the working directory.

    DEBUG=0 SECRET_KEY=... DATABASE_URL=postgres://... .venv/bin/gunicorn registrar.wsgi

Threaded workers (gthread) keep clients' connections alive, which saves the server and the
clients a TCP handshake per request: in the registration rush (docs/performance.md) the tail
at 300 requests/s fell from p99 346 ms with one-request-at-a-time processes to 22 ms.
Processes: cores + 1 (the application is CPU-bound and shares the cores with PostgreSQL).
Each thread holds its own database connection (CONN_MAX_AGE), so PostgreSQL sees
workers × threads connections. Environment variables override the numbers.
"""

import os

workers = int(os.environ.get("WEB_WORKERS", (os.cpu_count() or 1) + 1))
worker_class = "gthread"
threads = int(os.environ.get("WEB_THREADS", "4"))
keepalive = 10
bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
timeout = 60
graceful_timeout = 20
backlog = 2048
