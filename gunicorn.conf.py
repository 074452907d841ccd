"""gunicorn's configuration, for production (README, Production) and `make bench` alike.

Sized for the 2-core machine the platform is measured on: one worker process per core, each with
8 threads (gthread). Python runs one thread at a time per process, so a third process would only
compete with PostgreSQL for the same two cores; the threads are there for the time a request
waits rather than computes (a durable commit's flush, a row lock, the network), which is most of
a request's life at the database. Set WEB_CONCURRENCY / GUNICORN_THREADS for a bigger machine
(cores × 1 workers, 8 threads each is the same reasoning).
"""

import os

wsgi_app = "lms.wsgi:application"
worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", len(os.sched_getaffinity(0))))
threads = int(os.environ.get("GUNICORN_THREADS", "8"))
keepalive = 30  # seconds: candidates autosave on one connection
timeout = 60
backlog = 2048
