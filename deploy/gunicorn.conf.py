"""gunicorn settings of the OVOP Portal web processes (deploy/systemd/ovop-gunicorn.service).

The bind address and the web-only statement timeout are on the unit's command line; what is here is the
same on every app server. deploy/check_topology.py starts its gunicorns with this file too.
"""

import os

# Sync workers: each serves one request at a time, with its own database connection. nginx buffers
# request and response bodies, so a slow phone on a poor link does not hold a worker.
worker_class = "sync"
# WEB_CONCURRENCY (gunicorn's own variable) overrides; default: two per core, plus one.
workers = int(os.environ.get("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1) + 1)

# The longest request left on the web is the registry export of a whole country as XLSX (19.7 s in
# bench/, README "Performance"); a regency's takes under a second, and big imports run on the worker.
# A worker silent for longer than this is killed and replaced. nginx's proxy_read_timeout is a little
# longer (deploy/nginx/ovop.conf), and the web's statement timeout shorter (the unit), so a runaway query
# is cancelled with a clean error before gunicorn kills the worker.
timeout = 60
# On a restart (systemctl restart / reload), requests in progress get this long to finish.
graceful_timeout = 30
keepalive = 5

# Recycle each worker now and then, so that memory a big page took is given back.
max_requests = 2000
max_requests_jitter = 200

# nginx on the same machine sets X-Forwarded-Proto; Django reads it (DJANGO_BEHIND_PROXY=true).
forwarded_allow_ips = "127.0.0.1,::1"

# Errors to the journal (journalctl -u ovop-gunicorn); nginx keeps the access log.
errorlog = "-"
loglevel = "warning"
accesslog = None
proc_name = "ovop-web"
