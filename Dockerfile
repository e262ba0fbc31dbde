# The hiring service in one image: the web server (`hiring serve`, gunicorn) or the
# background worker (`hiring worker`), chosen by the command (see containers/entrypoint.py
# and compose.yaml). It runs as the unprivileged user `hiring`.
#
# BASE is any Debian 12 (bookworm) image. Where an image registry is reachable:
#   docker build --build-arg BASE=docker.io/library/debian:bookworm-slim -t hiring .
# (python:3.11-slim-bookworm works too). The default is a Debian base imported from
# debootstrap, for machines without a registry (README, *Containers*).
ARG BASE=localhost/debian:bookworm
FROM ${BASE}

ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8 \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/hiring/venv \
    PATH=/opt/hiring/venv/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
    HIRING_INSTANCE=/var/lib/hiring/instance

# The system packages ./dev installs (RUNTIME_PACKAGES: Python, Pango and HarfBuzz for the
# PDF profiles, the Noto and DejaVu fonts, the hunspell dictionaries and libenchant for
# the writing indicators), and CA certificates for the mail server, webhooks and pip.
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
      python3-venv libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 \
      fonts-noto-core fonts-dejavu-core hunspell-en-us hunspell-hr hunspell-sr hunspell-bg \
      libenchant-2-2 \
      ca-certificates \
 && rm -rf /var/lib/apt/lists/*

# The dependencies first, from pyproject.toml (pinned as it pins them, with the
# PostgreSQL driver and the build's setuptools), so that a change to the code alone
# reuses this layer.
# BUILD_CA_BUNDLE: a CA bundle for pip, mounted into the build, where a proxy inspects
# TLS (e.g. `podman build -v /etc/ssl/certs/ca-certificates.crt:/run/ca.crt:ro
# --build-arg BUILD_CA_BUNDLE=/run/ca.crt`); nothing of it stays in the image.
ARG BUILD_CA_BUNDLE=
WORKDIR /opt/hiring/app
COPY pyproject.toml ./
RUN python3 -m venv "$VIRTUAL_ENV" \
 && python3 -c 'import tomllib; t = tomllib.load(open("pyproject.toml", "rb")); p = t["project"]; \
print("\n".join(t["build-system"]["requires"] + p["dependencies"] + p["optional-dependencies"]["postgres"]))' \
      > /tmp/requirements.txt \
 && pip install ${BUILD_CA_BUNDLE:+--cert "$BUILD_CA_BUNDLE"} --requirement /tmp/requirements.txt \
 && rm /tmp/requirements.txt

# The code. It is installed in place (as ./dev does): the templates and the starter
# question banks are read beside the package.
COPY README.md babel.cfg ./
COPY hiring ./hiring
COPY templates ./templates
COPY question_banks ./question_banks
COPY containers/entrypoint.py ./containers/entrypoint.py
RUN pip install --no-deps --no-build-isolation --editable . \
 && python3 -m compileall -q hiring \
 && useradd --system --user-group --home-dir /var/lib/hiring --shell /usr/sbin/nologin hiring \
 && install -d -o hiring -g hiring -m 0700 /var/lib/hiring /var/lib/hiring/instance

# The instance folder: the outbox, rendered profiles, exports (and the SQLite database
# when DATABASE_URL is not set). Mount a volume here.
VOLUME ["/var/lib/hiring/instance"]
USER hiring
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python3", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
ENTRYPOINT ["python3", "/opt/hiring/app/containers/entrypoint.py"]
CMD ["web"]
