# todo-api as a Hugging Face Space (Docker SDK), or anywhere a container runs:
#   docker build -t todo-api . && docker run --rm -p 127.0.0.1:7860:7860 todo-api
# scripts/container-test.sh builds and checks this image; docs/deploy.md says how to deploy it.
FROM python:3.11-slim

# No .pyc files written at run time (the app's are compiled into the image below); logs reach
# the Space's log view at once.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore

# A Space runs the container as uid 1000: the same user here, with its own HOME. /data is where
# a Space's storage bucket is mounted and where the app keeps the SQLite file and a generated
# JWT secret (DATA_DIR's default when /data is writable): owned by uid 1000, so the database is
# writable with or without a bucket.
RUN useradd --create-home --uid 1000 --shell /bin/sh user \
 && mkdir -p /data \
 && chown 1000:1000 /data

# Dependencies in their own layer, rebuilt only when requirements.lock changes; installed as root,
# so the app's user cannot change them. The lock (`make lock`) pins every package with its hashes:
# an image built later gets the same files, wheels only (nothing built from source).
COPY requirements.lock /tmp/requirements.lock
RUN pip install --no-cache-dir --require-hashes --only-binary=:all: -r /tmp/requirements.lock \
 && rm /tmp/requirements.lock

# The Space's proxy sets X-Forwarded-Proto/-Host/-For: trust it (the app reads
# FORWARDED_ALLOW_IPS), so task URLs say https://<owner>-<space>.hf.space.
ENV HOME=/home/user \
    PATH=/home/user/.local/bin:$PATH \
    FORWARDED_ALLOW_IPS="*"

WORKDIR /home/user/app
COPY --chown=1000:1000 . .
# Compiled once here, not at every start: cold start is part of a Space's wake-up.
RUN python -m compileall -q /home/user/app

USER 1000
EXPOSE 7860

# A liveness probe (/livez touches no database): an outage of the database must not get a
# healthy container restarted, which would not bring the database back. Readiness is /readyz
# (docker-compose.yml's check). No curl in the slim image: Python's urllib.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/livez' % (os.environ.get('PORT') or '7860'), timeout=4)"]

# Exec form through sh so that $PORT (a platform may set it; the Space uses app_port 7860),
# $HOST, $WEB_CONCURRENCY and $LOG_FORMAT are read at start; exec makes uvicorn PID 1, so it gets
# SIGTERM. --no-proxy-headers: the app applies X-Forwarded-* itself (Host included); uvicorn doing
# it first would hide the proxy's address from the app's trust check. With LOG_FORMAT=json,
# log-config.json makes uvicorn's own lines JSON too, those of its supervisor process included.
CMD ["sh", "-c", "exec uvicorn router:app --host \"${HOST:-0.0.0.0}\" --port \"${PORT:-7860}\" --workers \"${WEB_CONCURRENCY:-1}\" --no-proxy-headers --no-server-header $([ \"$LOG_FORMAT\" = json ] && echo --log-config log-config.json)"]
