#!/usr/bin/env bash
# Benchmark of the Slack ack path (signature check, form parse, role lookup, grammar,
# Block Kit rendering, answer) through the real `virbela-bot serve` over loopback.
#
#   benches/slack_ack.sh            # 64 connections, 15 s (DESIGN §5)
#   DURATION=30s CONNECTIONS=128 benches/slack_ack.sh
#   BASELINE=1 benches/slack_ack.sh # first the same load on GET /healthz (no Slack work)
#   PROFILE=1 benches/slack_ack.sh  # perf record of the server during the load, top symbols
#   CARGO_PROFILE=production benches/slack_ack.sh  # the LTO build production images use
#
# Builds the release binary, starts an empty sandbox and `serve` on free ports (SQLite in
# a temp dir, BOOTSTRAP_ADMINS=slack:UBENCH, SLACK_SIGNING_SECRET=bench-secret), signs ONE
# `/virbela help` request (valid for 5 minutes), checks it is answered with the help,
# then runs wrk (benches/slack_ack.lua) and prints requests/s, p50, p99 and the server's
# RSS before and after the load. Not run in CI. Needs wrk (`apt-get install -y wrk`),
# curl, openssl and python3 (free ports).
set -euo pipefail

cd "$(dirname "$0")/.."
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-15s}
SECRET=bench-secret

for tool in wrk curl openssl python3; do
    command -v "$tool" >/dev/null || { echo "slack_ack: $tool is required" >&2; exit 1; }
done

# CARGO_PROFILE=production measures the optimised build production images use.
CARGO_PROFILE=${CARGO_PROFILE:-release}
cargo build --profile "$CARGO_PROFILE" --quiet --bin virbela-bot
BIN="${CARGO_TARGET_DIR:-target}/$CARGO_PROFILE/virbela-bot"

TMP=$(mktemp -d)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

wait_for() { # URL what PID
    for _ in $(seq 1 300); do
        curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || { echo "slack_ack: $2 exited; log:" >&2; cat "$TMP"/*.log >&2; exit 1; }
        sleep 0.1
    done
    echo "slack_ack: $2 did not come up" >&2
    exit 1
}

rss_kb() { awk -v f="${2:-VmRSS}:" '$1 == f {print $2}' "/proc/$1/status"; }
mb() { awk -v k="$1" 'BEGIN {printf "%.1f", k/1024}'; }

SANDBOX_PORT=$(free_port)
"$BIN" sandbox --empty --listen "127.0.0.1:$SANDBOX_PORT" 2>"$TMP/sandbox.log" &
PIDS+=($!)
wait_for "http://127.0.0.1:$SANDBOX_PORT/_sandbox/log" sandbox "${PIDS[0]}"

PORT=$(free_port)
env -i PATH="$PATH" \
    VIRBELA_BASE_URL="http://127.0.0.1:$SANDBOX_PORT/" \
    VIRBELA_PRODUCT_URL="http://127.0.0.1:$SANDBOX_PORT/" \
    VIRBELA_CLIENT_ID=sandbox-client VIRBELA_CLIENT_SECRET=sandbox-secret \
    VIRBELA_CLIENT_NAME=sandboxcampus \
    DATABASE_URL="sqlite://$TMP/bot.db?mode=rwc" \
    LISTEN_ADDR="127.0.0.1:$PORT" \
    SLACK_SIGNING_SECRET="$SECRET" \
    BOOTSTRAP_ADMINS=slack:UBENCH \
    LOG_FORMAT=json \
    ${RUST_LOG:+RUST_LOG="$RUST_LOG"} \
    "$BIN" serve 2>"$TMP/serve.log" &
SERVE_PID=$!
PIDS+=("$SERVE_PID")
URL="http://127.0.0.1:$PORT"
wait_for "$URL/readyz" serve "$SERVE_PID"
sleep 1
IDLE_RSS=$(rss_kb "$SERVE_PID")
IDLE_ANON=$(rss_kb "$SERVE_PID" RssAnon)
IDLE_FILE=$(rss_kb "$SERVE_PID" RssFile)

# One signed slash command, as Slack sends it.
SLACK_BODY="token=bench&team_id=T0BENCH&team_domain=bench&channel_id=C0BENCH&channel_name=general&user_id=UBENCH&user_name=bench&command=%2Fvirbela&text=help&api_app_id=A0BENCH&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT0BENCH%2F1%2Fbench&trigger_id=1.2.3"
SLACK_TS=$(date +%s)
SLACK_SIG="v0=$(printf 'v0:%s:%s' "$SLACK_TS" "$SLACK_BODY" | openssl dgst -sha256 -hmac "$SECRET" -r | cut -d' ' -f1)"
export SLACK_BODY SLACK_TS SLACK_SIG

CHECK=$(curl -sS -w '\n%{http_code}' -X POST "$URL/slack/commands" \
    -H 'Content-Type: application/x-www-form-urlencoded' \
    -H "X-Slack-Request-Timestamp: $SLACK_TS" -H "X-Slack-Signature: $SLACK_SIG" \
    --data-binary "$SLACK_BODY")
CODE=${CHECK##*$'\n'}
if [[ "$CODE" != 200 || "$CHECK" != *attendance* ]]; then
    echo "slack_ack: the signed help request was not answered with the help (HTTP $CODE):" >&2
    echo "$CHECK" | head -c 500 >&2
    exit 1
fi

if [[ -n "${BASELINE:-}" ]]; then
    echo "baseline: wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency $URL/healthz"
    wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$URL/healthz" |
        grep -E 'Requests/sec|^ +(50|99)%'
fi

if [[ -n "${PROFILE:-}" ]]; then
    command -v perf >/dev/null || { echo "slack_ack: PROFILE=1 needs perf" >&2; exit 1; }
    perf record -F 999 -g --call-graph dwarf,16384 -p "$SERVE_PID" -o "$TMP/perf.data" \
        2>"$TMP/perf.log" &
    PERF_PID=$!
fi

echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency -s benches/slack_ack.lua $URL/slack/commands"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s benches/slack_ack.lua \
    "$URL/slack/commands" | tee "$TMP/wrk.out"
AFTER_RSS=$(rss_kb "$SERVE_PID")
if [[ -n "${PROFILE:-}" ]]; then
    kill -INT "$PERF_PID"
    wait "$PERF_PID" || true
    echo "== perf: top symbols of the server (self time) =="
    perf report -i "$TMP/perf.data" --no-children --sort dso,symbol --stdio 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -40
    echo "== perf: inclusive (children) =="
    perf report -i "$TMP/perf.data" --children --sort symbol --stdio -g none 2>/dev/null |
        grep -E '^ +[0-9.]+%' | head -60
fi

RPS=$(awk '/^Requests\/sec:/ {print $2}' "$TMP/wrk.out")
P50=$(awk '$1 == "50%" {print $2}' "$TMP/wrk.out")
P99=$(awk '$1 == "99%" {print $2}' "$TMP/wrk.out")
BAD=$(awk '/Non-2xx or 3xx responses:/ {print $NF}' "$TMP/wrk.out")
ERRORS=$(awk '/Socket errors:/' "$TMP/wrk.out")

echo
echo "== Slack ack path, $CONNECTIONS connections, $DURATION, $(nproc) cores =="
printf 'requests/s   %s\n' "$RPS"
printf 'p50          %s\n' "$P50"
printf 'p99          %s\n' "$P99"
printf 'idle RSS     %s MB (anonymous %s MB, file-backed: the binary'"'"'s code %s MB)\n' \
    "$(mb "$IDLE_RSS")" "$(mb "$IDLE_ANON")" "$(mb "$IDLE_FILE")"
printf 'RSS after    %s MB\n' "$(mb "$AFTER_RSS")"
[[ -n "$BAD" ]] && echo "non-2xx      $BAD  (the run is not valid)"
[[ -n "$ERRORS" ]] && echo "$ERRORS"
echo "targets (DESIGN §5): >= 40000 req/s, p99 < 5 ms, idle < 15 MB"
