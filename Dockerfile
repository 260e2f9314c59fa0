# syntax=docker/dockerfile:1
# Parvis container image: gunicorn on port 8000 by default; the same image runs the Celery
# workers, beat and the release step (compose.yaml). Build: `docker build -t parvis .`
# Runtime settings come from the environment (docs/configuration.md); the image sets DEBUG=false,
# so a container started without a SECRET_KEY of 50+ characters refuses to start.

ARG PYTHON_IMAGE=python:3.12-slim-bookworm

# --- build: a virtualenv with the runtime dependencies pinned by requirements.lock ----------
FROM ${PYTHON_IMAGE} AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH
RUN python -m venv /opt/venv
WORKDIR /src
# Dependencies first (a layer that only changes with pyproject.toml or requirements.lock). The
# lock also pins the dev tools (pytest, playwright, moto...): install the runtime dependencies
# of pyproject.toml only, every version taken from the lock (-c).
COPY pyproject.toml requirements.lock ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > runtime-requirements.txt \
    && pip install -r runtime-requirements.txt -c requirements.lock \
    && pip check
COPY README.md ./
COPY src ./src
RUN pip install --no-deps . && pip check

# --- runtime ---------------------------------------------------------------------------------
FROM ${PYTHON_IMAGE}
# DL3064 mistakes PARVIS_PRIVATE_ROOT (a directory) for a secret.
# hadolint ignore=DL3064
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=parvis.settings \
    DEBUG=false \
    PARVIS_VAR_DIR=/var/lib/parvis \
    MEDIA_ROOT=/var/lib/parvis/media \
    PARVIS_PRIVATE_ROOT=/var/lib/parvis/private \
    WEB_CONCURRENCY=3
RUN groupadd --system --gid 10001 parvis \
    && useradd --system --uid 10001 --gid parvis --home-dir /var/lib/parvis --no-create-home \
       --shell /usr/sbin/nologin parvis
COPY --from=build /opt/venv /opt/venv
# Static files are collected into the image (STATIC_ROOT=$PARVIS_VAR_DIR/static, read-only,
# served by whitenoise). Uploaded media and private archives go to volumes mounted on
# media/ and private/ (or to S3 with MEDIA_STORAGE=s3); beat keeps its schedule in beat/.
# The SECRET_KEY here only lets the settings load for collectstatic: it is not in the image's
# environment, and nothing signed with it survives the build.
RUN install -d -m 755 /var/lib/parvis \
    && install -d -o parvis -g parvis -m 755 /var/lib/parvis/media \
    && install -d -o parvis -g parvis -m 700 /var/lib/parvis/private /var/lib/parvis/beat \
    && SECRET_KEY=collectstatic-only-build-time-key-never-used-to-sign-anything-0123456789 \
       DATABASE_URL='' REDIS_URL='' django-admin collectstatic --noinput --verbosity 0
WORKDIR /var/lib/parvis
USER 10001:10001
EXPOSE 8000
# /sante/ answers 200 when PostgreSQL and Redis answer (exempt from the HTTPS redirect). The
# request carries the first ALLOWED_HOSTS name, which Django accepts ("*" or ".domain" too).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('ALLOWED_HOSTS', 'localhost').split(',')[0].strip().lstrip('*.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/sante/', headers={'Host': h}), timeout=4)"]
# Workers: WEB_CONCURRENCY (read by gunicorn itself; 2 × cores + 1 is a good start). Each
# worker holds one database connection. --worker-tmp-dir: heartbeats on tmpfs, not overlayfs;
# --no-control-socket: gunicorn 25+ would otherwise create one under $HOME (read-only here).
CMD ["gunicorn", "parvis.wsgi:application", "--bind", "0.0.0.0:8000", "--threads", "1", \
     "--max-requests", "2000", "--max-requests-jitter", "200", "--timeout", "60", \
     "--graceful-timeout", "30", "--worker-tmp-dir", "/dev/shm", "--no-control-socket", \
     "--access-logfile", "-", "--error-logfile", "-"]
