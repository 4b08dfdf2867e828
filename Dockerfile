# fakes3 as a CI service: `docker build -t fakes3 .` then `docker run -p 9000:9000 fakes3`.
# Zero arguments: S3 on 0.0.0.0:9000 and 0.0.0.0:4566 (LocalStack's port), in memory, as a
# non-root user. Configure it with FAKES3_* variables (docs/container.md, docs/server.md):
#   FAKES3_BUCKETS=uploads,reports   buckets that exist before the first request
#   FAKES3_DATA_DIR=/data            keep objects in the /data volume instead of memory
#
# BASE: any image with python3 (>= 3.10) and its venv module. Published builds use the
# official slim Python image; scripts/container-check.sh builds over a base made from Debian's
# own packages (mmdebstrap), e.g. --build-arg BASE=fakes3-debian-base:bookworm.
ARG BASE=python:3.12-slim

FROM ${BASE} AS build
# PIP_CERT_PEM: extra CA certificates (PEM text) for building behind a TLS-intercepting proxy.
ARG PIP_CERT_PEM=""
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
COPY pyproject.toml README.md CHANGELOG.md /src/
COPY fakes3 /src/fakes3
RUN set -eu; \
    if [ -n "$PIP_CERT_PEM" ]; then \
        cat /etc/ssl/certs/ca-certificates.crt > /tmp/ca.pem 2>/dev/null || true; \
        printf '%s\n' "$PIP_CERT_PEM" >> /tmp/ca.pem; \
        export PIP_CERT=/tmp/ca.pem; \
    fi; \
    python3 -m venv /opt/fakes3; \
    /opt/fakes3/bin/pip install --no-cache-dir /src; \
    /opt/fakes3/bin/pip uninstall --yes pip setuptools 2>/dev/null || true; \
    # fakes3 reads only botocore's S3 model: drop the other ~400 services' models (~80 MB).
    data=$(echo /opt/fakes3/lib/python3*/site-packages/botocore/data); \
    find "$data" -mindepth 1 -maxdepth 1 -type d ! -name s3 -exec rm -rf {} +; \
    # Byte-compiled modules stay: without them every start compiles botocore and fakes3 (~1 s).
    /opt/fakes3/bin/python -c "from fakes3.protocol.model import load_model; load_model()"; \
    mkdir -p /data

FROM ${BASE}
COPY --from=build /opt/fakes3 /opt/fakes3
RUN set -eu; \
    echo 'fakes3:x:10001:10001:fakes3:/data:/usr/sbin/nologin' >> /etc/passwd; \
    echo 'fakes3:x:10001:' >> /etc/group; \
    mkdir -p /data; chown 10001:10001 /data
ENV PATH=/opt/fakes3/bin:$PATH \
    PYTHONUNBUFFERED=1 PYTHONDONTWRITEBYTECODE=1 \
    FAKES3_HOST=0.0.0.0 FAKES3_PORT=9000 FAKES3_ALSO_PORTS=4566
USER 10001:10001
WORKDIR /data
VOLUME /data
EXPOSE 9000 4566
HEALTHCHECK --interval=1s --timeout=3s --start-period=30s --retries=3 \
    CMD ["python", "-m", "fakes3.health"]
# Exec form: fakes3 is PID 1 and stops cleanly (exit 0) on SIGTERM, as `docker stop` sends.
ENTRYPOINT ["fakes3"]
CMD ["serve"]
