#!/usr/bin/env bash
# Runs every check and every test, as CI does: formatting, lints, then all test targets.
# Store tests need PostgreSQL on 127.0.0.1:5432 (user postgres, trust auth): it is started
# here when it is down, and the tests fail (never skip) when it still cannot be reached.
set -euo pipefail
cd "$(dirname "$0")/.."

ensure_postgres() {
  if pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; then
    return 0
  fi
  echo "PostgreSQL is down; starting it"
  if command -v pg_ctlcluster >/dev/null 2>&1 && [ -d /etc/postgresql ]; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
  fi
  for _ in $(seq 1 30); do
    pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null && return 0
    sleep 1
  done
  echo "warning: PostgreSQL is still not reachable on 127.0.0.1:5432; the Postgres tests will fail" >&2
}

ensure_postgres
export TEST_DATABASE_URL="${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

cargo fmt --all --check
cargo clippy --all-targets --locked -- -D warnings
bash scripts/lint-deploy.sh  # Dockerfile (hadolint) and manifests/kubernetes (schemas, strict)
cargo test --all-targets --locked
