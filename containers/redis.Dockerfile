# Redis from Debian's packages, for machines without an image registry; run like the
# official image (docker.io/library/redis): `redis-server`, data in /data.
ARG BASE=localhost/debian:bookworm
FROM ${BASE}
ENV DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8
RUN apt-get update \
 && apt-get install -y --no-install-recommends redis-server \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o redis -g redis -m 0750 /data
VOLUME ["/data"]
WORKDIR /data
USER redis
EXPOSE 6379
HEALTHCHECK --interval=10s --timeout=5s --retries=5 CMD ["redis-cli", "ping"]
CMD ["redis-server", "--protected-mode", "no", "--dir", "/data"]
