# virbela-bot container image.
#
#   docker build -t ghcr.io/example/virbela-bot:0.1.0 .
#   docker run --rm -p 8080:8080 -v virbela-data:/data --env-file bot.env ghcr.io/example/virbela-bot:0.1.0
#
# Two stages: the `production` build profile (fat LTO, one codegen unit: the smallest and
# fastest binary, see Cargo.toml) on the official Rust image, then the binary alone on
# distroless/cc (glibc, libgcc, CA certificates, no shell, no package manager). TLS is
# rustls with the webpki roots compiled in, so the runtime needs no OpenSSL. The builder
# is Debian 12 (bookworm) like the runtime, so the binary links against the same glibc.
#
# Operations guide (configuration, Kubernetes, upgrades): docs/operations.md.

# The toolchain the repository is developed and tested with (rustc 1.95).
ARG RUST_IMAGE=rust:1.95-slim-bookworm
ARG RUNTIME_IMAGE=gcr.io/distroless/cc-debian12:nonroot

# ---------------------------------------------------------------------------------------
FROM ${RUST_IMAGE} AS builder
WORKDIR /build

# 1. Dependencies only, in their own layer: rebuilt when Cargo.toml, Cargo.lock or
#    build.rs change, not on every source edit. The crate's own targets are stubs here:
#    Cargo refuses a manifest whose target files are missing, so besides src/lib.rs and
#    src/main.rs every [[bench]], [[test]] and [[example]] Cargo.toml declares gets an
#    empty main (the awk prints their paths). Built with the production profile like the
#    real build, or none of it would be reused.
COPY Cargo.toml Cargo.lock build.rs ./
RUN mkdir -p src migrations/postgres migrations/sqlite \
    && echo 'fn main() {}' > src/main.rs \
    && : > src/lib.rs \
    && awk 'function out() { if (kind != "") print (path != "" ? path : dir "/" name ".rs") }; \
            /^\[/ { out(); kind = ""; name = ""; path = "" }; \
            /^\[\[(bench|test|example)\]\]/ { kind = $0; dir = kind ~ /bench/ ? "benches" : kind ~ /test/ ? "tests" : "examples" }; \
            kind != "" && $1 == "name" { name = $3; gsub(/"/, "", name) }; \
            kind != "" && $1 == "path" { path = $3; gsub(/"/, "", path) }; \
            END { out() }' Cargo.toml > /tmp/stubs \
    && while read -r stub; do \
         mkdir -p "$(dirname "$stub")" && echo 'fn main() {}' > "$stub"; \
       done < /tmp/stubs \
    && cargo build --profile production --locked --bin virbela-bot \
    && rm -rf src target/production/virbela-bot target/production/deps/virbela_bot-* \
        target/production/deps/libvirbela_bot-* target/production/.fingerprint/virbela-bot-*

# 2. The crate. Besides src/, the binary embeds the migrations (sqlx::migrate!), the chart
#    font and the Teams app template and icons (include_*!).
COPY migrations/ migrations/
COPY assets/fonts/ assets/fonts/
COPY manifests/teams/ manifests/teams/
COPY src/ src/
# COPY keeps the files' own modification times, which may be older than the stubs'
# build: touch the crate roots so Cargo rebuilds the crate for certain.
RUN touch src/lib.rs src/main.rs build.rs \
    && cargo build --profile production --locked --bin virbela-bot \
    && mkdir -p /out/usr/local/bin /out/data /out/usr/share/doc/virbela-bot \
    && cp target/production/virbela-bot /out/usr/local/bin/virbela-bot \
    && cp assets/fonts/LICENSE-DejaVu.txt /out/usr/share/doc/virbela-bot/ \
    && chown 65532:65532 /out/data

# ---------------------------------------------------------------------------------------
FROM ${RUNTIME_IMAGE}

ARG VERSION=0.1.0
ARG REVISION=unknown
ARG CREATED=unknown
LABEL org.opencontainers.image.title="virbela-bot" \
      org.opencontainers.image.description="Chatops bot that runs a Virbela campus from Slack, Microsoft Teams and the console" \
      org.opencontainers.image.licenses="MIT" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="https://github.com/example/virbela-bot" \
      org.opencontainers.image.documentation="https://github.com/example/virbela-bot/blob/main/docs/operations.md" \
      org.opencontainers.image.base.name="gcr.io/distroless/cc-debian12:nonroot"

# The binary, the font's licence, and /data owned by the nonroot user (65532): distroless
# has no shell to mkdir/chown here, so the directory comes from the builder as it is.
COPY --from=builder --chown=65532:65532 /out/data /data
COPY --from=builder /out/usr/ /usr/

# The default store is a SQLite file on the /data volume: fine for one instance. Several
# replicas need PostgreSQL (DATABASE_URL=postgres://…); see docs/operations.md.
ENV DATABASE_URL="sqlite:///data/virbela-bot.db?mode=rwc" \
    LISTEN_ADDR="0.0.0.0:8080" \
    LOG_FORMAT="json"

VOLUME ["/data"]
WORKDIR /data
USER 65532:65532
EXPOSE 8080

# `virbela-bot healthcheck` GETs /healthz on LISTEN_ADDR's port and exits 0 or 1 (there is
# no curl in this image). Kubernetes ignores HEALTHCHECK and uses its own probes.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["virbela-bot", "healthcheck"]

ENTRYPOINT ["virbela-bot"]
CMD ["serve"]
