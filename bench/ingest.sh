#!/usr/bin/env bash
# Ingest API benchmark: prints figures, asserts nothing.
#
# Release build; a real Kafka broker (KRaft, local-dataplane's `dataplane` binary; topic
# `heartbeats` with 6 partitions); the API pinned to CPU 1 (`taskset`), the load generator `wrk`
# (Debian) pinned to CPU 0, the broker's JVM on CPU 0 as well. For single requests and for
# batches of each of BENCH_BATCH_SIZES heartbeats: the null sink (parse, validate, 202, no
# Kafka: the ceiling), then straight after it, with the same settings, Kafka (202 after
# acks=all), so both see the same background load. Prints requests/s, heartbeats/s, p50/p99
# latency, non-2xx answers, the API process's CPU use (100% = its one core busy) and
# heartbeats per API CPU-second (heartbeats/s divided by that use: the fair comparison when the
# load generator, not the API, was the limit, as on a machine shared with other work); then
# Kafka as a share of the null ceiling, both ways.
#
# Environment: BENCH_SECONDS (default 15), BENCH_CONNECTIONS (default 1000: devices are many,
# each with one request in flight), BENCH_BATCH_SIZES (default "10 100"). Installs wrk and the
# data plane's jars (scripts/dataplane/install.sh) when missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
seconds="${BENCH_SECONDS:-15}"
connections="${BENCH_CONNECTIONS:-1000}"
batch_sizes="${BENCH_BATCH_SIZES:-10 100}"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$root/target}"

command -v wrk >/dev/null || {
    DEBIAN_FRONTEND=noninteractive apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
}
"$root/scripts/dataplane/install.sh" >/dev/null
cargo build --release -q -p ingest-api -p local-dataplane
bin="$CARGO_TARGET_DIR/release"

work="$(mktemp -d)"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

secret="$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')"
echo "bench $secret" >"$work/keys"
export BENCH_KEY="bench.$secret"

# The broker, on CPU 0 with the load generator.
mkfifo "$work/dataplane.out"
taskset -c 0 "$bin/dataplane" kafka --topic heartbeats:6 >"$work/dataplane.out" 2>"$work/dataplane.err" &
pids+=($!)
while read -r line; do
    case "$line" in
        KAFKA_BOOTSTRAP_SERVERS=*) bootstrap="${line#*=}" ;;
        READY=1) break ;;
    esac
done <"$work/dataplane.out"
[ -n "${bootstrap:-}" ] || { cat "$work/dataplane.err"; exit 1; }

port=18080
# run_api SINK: starts the API on CPU 1 with the null sink or Kafka; waits for /readyz.
run_api() {
    local null_sink="false"
    [ "$1" = null ] && null_sink="true"
    INGEST_LISTEN_ADDR="127.0.0.1:$port" INGEST_API_KEYS_FILE="$work/keys" \
        INGEST_NULL_SINK="$null_sink" INGEST_KAFKA_BOOTSTRAP_SERVERS="$bootstrap" \
        INGEST_RATE_LIMIT_PER_SEC=10000000 INGEST_RATE_LIMIT_BURST=100000000 \
        RUST_LOG=warn taskset -c 1 "$bin/ingest-api" >>"$work/api.log" 2>&1 &
    api_pid=$!
    for _ in $(seq 100); do
        curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && return
        sleep 0.1
    done
    cat "$work/api.log"; exit 1
}
stop_api() { kill -TERM "$api_pid"; wait "$api_pid" || true; }

# load LABEL BATCH: one wrk run; prints a table row and keeps heartbeats/s and heartbeats per
# CPU-second in $hb and $hb_cpu.
load() {
    local label="$1" batch="$2" out
    # Warm up (connections, producer batches, JIT of the broker) before measuring.
    BENCH_BATCH="$batch" taskset -c 0 wrk -t1 -c"$connections" -d3s -s "$root/bench/ingest.lua" \
        "http://127.0.0.1:$port" >/dev/null
    local cpu_before
    cpu_before="$(api_cpu_ticks)"
    out="$(BENCH_BATCH="$batch" taskset -c 0 wrk -t1 -c"$connections" -d"${seconds}s" --latency \
        -s "$root/bench/ingest.lua" "http://127.0.0.1:$port")"
    local rps p50 p99 non2xx cpu
    cpu="$(awk -v a="$cpu_before" -v b="$(api_cpu_ticks)" -v hz="$(getconf CLK_TCK)" -v s="$seconds" \
        'BEGIN {printf "%.2f", (b - a) / hz / s}')"
    rps="$(awk '/^Requests\/sec:/ {print $2}' <<<"$out")"
    p50="$(awk '$1 == "50%" {print $2}' <<<"$out")"
    p99="$(awk '$1 == "99%" {print $2}' <<<"$out")"
    non2xx="$(awk '/Non-2xx/ {print $5}' <<<"$out")"
    hb="$(awk -v r="$rps" -v b="$batch" 'BEGIN {printf "%.0f", r * b}')"
    hb_cpu="$(awk -v h="$hb" -v c="$cpu" 'BEGIN {printf "%.0f", h / c}')"
    printf '%-22s %11.0f %13.0f %10s %10s %8s %8.0f%% %14.0f\n' "$label" "$rps" "$hb" "$p50" "$p99" \
        "${non2xx:-0}" "$(awk -v c="$cpu" 'BEGIN {print c * 100}')" "$hb_cpu"
}
# The API process's CPU time so far, in clock ticks (user + system, all its threads).
api_cpu_ticks() { awk '{print $14 + $15}' "/proc/$api_pid/stat"; }

echo "ingest-api benchmark: ${seconds}s per run, $connections connections, wrk on CPU 0, API on CPU 1"
printf '%-22s %11s %13s %10s %10s %8s %9s %14s\n' "run" "requests/s" "heartbeats/s" "p50" "p99" \
    "non-2xx" "API CPU" "hb/CPU-second"
shares=()
for batch in 1 $batch_sizes; do
    label="single"
    [ "$batch" = 1 ] || label="batch of $batch"
    for sink in null kafka; do
        run_api "$sink"
        load "$sink $label" "$batch"
        stop_api
        [ "$sink" = null ] && { null_hb="$hb"; null_hb_cpu="$hb_cpu"; }
    done
    shares+=("$(awk -v l="$label" -v a="$hb" -v b="$null_hb" -v c="$hb_cpu" -v d="$null_hb_cpu" \
        'BEGIN {printf "%-16s %5.0f%% of the null heartbeats/s, %5.0f%% of its heartbeats per CPU-second", l, 100 * a / b, 100 * c / d}')")
done
echo
echo "Kafka as a share of the null ceiling (goal: at least 60%, and at least 100,000 heartbeats/s):"
printf '  %s\n' "${shares[@]}"
