# syntax=docker/dockerfile:1
# The aftercare bot: `docker build -t aftercare .`, then see docker-compose.yml and docs/OPERATIONS.md.
#
# Two stages: the first builds a virtualenv (pip, setuptools, caches and the
# source tree's build leftovers stay there); the final image gets only that
# virtualenv and the application files, runs as an unprivileged user, and
# answers Docker's health check from /healthz.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/aftercare
ENV PATH=/opt/aftercare/bin:$PATH
WORKDIR /app

# Dependencies first (a layer that survives code changes): install the project
# from stub packages, then remove just the project again.
COPY pyproject.toml README.md ./
RUN mkdir -p bot jobs messages migrations tgsandbox \
    && touch bot/__init__.py jobs/__init__.py messages/__init__.py migrations/__init__.py tgsandbox/__init__.py \
    && pip install . \
    && pip uninstall -y aftercare \
    && rm -rf build *.egg-info bot jobs messages migrations tgsandbox

# The application. It is installed in place (editable) because it reads files
# beside its packages at run time: migrations/versions and config/.
COPY bot ./bot
COPY jobs ./jobs
COPY messages ./messages
COPY tgsandbox ./tgsandbox
COPY migrations ./migrations
COPY config ./config
RUN pip install --no-deps -e . \
    && rm -rf build \
    && python -m compileall -q bot jobs messages migrations tgsandbox


FROM python:3.11-slim
ENV PATH=/opt/aftercare/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    AFTERCARE_LOG_FORMAT=json \
    AFTERCARE_HTTP_HOST=0.0.0.0 \
    AFTERCARE_HTTP_PORT=8080 \
    AFTERCARE_DATABASE_URL=sqlite:////data/aftercare.db
RUN groupadd --system --gid 10001 aftercare \
    && useradd --system --uid 10001 --gid aftercare --home-dir /app --no-create-home \
       --shell /usr/sbin/nologin aftercare \
    && mkdir /data && chown aftercare:aftercare /data
COPY --from=build /opt/aftercare /opt/aftercare
COPY --from=build /app /app
WORKDIR /app
USER aftercare
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('AFTERCARE_HTTP_PORT', '8080'), timeout=4)"]
ENTRYPOINT ["aftercare"]
CMD ["run"]
