# syntax=docker/dockerfile:1
# The valuewatch image. `valuewatch serve` (the collector, port 8000) by default;
# the chart runs `valuewatch evaluate` (evaluator metrics on port 9464) from the same image.
#   docker build -t valuewatch .
#   docker run -p 8000:8000 valuewatch

FROM python:3.11-slim AS builder
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/valuewatch
WORKDIR /src
COPY pyproject.toml README.md ./
COPY metrics/ metrics/
COPY collector/ collector/
COPY evaluators/ evaluators/
COPY dashboards/ dashboards/
COPY alerts/ alerts/
COPY valuewatch/ valuewatch/
# Compiled at install: the runtime's root filesystem is read-only.
RUN /opt/valuewatch/bin/pip install .

FROM python:3.11-slim
ENV PATH=/opt/valuewatch/bin:$PATH \
    PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MPLCONFIGDIR=/tmp/matplotlib
RUN groupadd --gid 10001 valuewatch \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /var/lib/valuewatch \
        --shell /usr/sbin/nologin valuewatch \
    && install -d -o 10001 -g 10001 /var/lib/valuewatch
COPY --from=builder /opt/valuewatch /opt/valuewatch
# The default SQLite file, ./valuewatch.db, lands here; mount a volume to keep it.
WORKDIR /var/lib/valuewatch
USER 10001
EXPOSE 8000 9464
ENTRYPOINT ["valuewatch"]
CMD ["serve", "--host", "0.0.0.0"]
