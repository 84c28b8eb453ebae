# syntax=docker/dockerfile:1
# Tuowei's image (docs/operations.md, "Running the stack"). Two stages: the build stage has
# the compilers' leftovers, pip's cache and Babel's tooling; the runtime stage only the virtual
# environment and the code, run by an unprivileged user.

FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1 PYTHONDONTWRITEBYTECODE=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /app
# Dependencies first, so a change to the code alone reuses this layer.
COPY setup.cfg pyproject.toml README.md ./
RUN mkdir booking && touch booking/__init__.py \
    && pip install '.[postgres,server]' \
    && pip uninstall -y tuowei && rm -rf booking build *.egg-info
COPY . .
# The message catalogs are compiled here (the .mo files are not in git), then the package is
# installed editable: the code reads its templates, static files and migrations beside it.
RUN pybabel -q compile -d booking/translations \
    && pip install --no-deps -e . \
    && python -c "import booking, pathlib, sys; sys.exit(not list(pathlib.Path('booking/translations').glob('*/LC_MESSAGES/messages.mo')))"

FROM python:3.11-slim
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    FLASK_APP=wsgi \
    TUOWEI_UPLOAD_DIR=/data/uploads \
    TUOWEI_LOG_FORMAT=json \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus
RUN groupadd --system --gid 10001 tuowei \
    && useradd --system --uid 10001 --gid tuowei --home-dir /app --shell /usr/sbin/nologin tuowei \
    && mkdir -p /data/uploads /app/instance /tmp/prometheus \
    && chown -R tuowei:tuowei /data /app /tmp/prometheus
COPY --from=build /opt/venv /opt/venv
COPY --from=build --chown=tuowei:tuowei /app /app
WORKDIR /app
USER tuowei
EXPOSE 8000
# The orchestrator's probe: 200 only when the database answers and the schema is current.
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=2)"]
CMD ["gunicorn", "--config", "deploy/gunicorn.conf.py", "wsgi:app"]
