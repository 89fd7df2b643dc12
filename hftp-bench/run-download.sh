#!/usr/bin/env bash
# Measures downloads on this machine: a whole file fetched with HftpDownloader over CONNECTIONS
# connections (one warm JVM, written to disk), against the daemon's single-connection get_slice of
# the same file (read by the load generator's raw scanner, which does not decode: the daemon's own
# rate), and against the client library's single-connection get_slice (decoded, then discarded).
# A fresh `hftp get` command per round (JVM start-up included) is timed too.
#
#   [JAVA_HOME=...] hftp-bench/run-download.sh
#
# Every JVM runs on $JAVA_HOME/bin/java, or `java` on the PATH. Each round starts a fresh daemon.
# Environment (all optional):
#   SIZE_MIB=256 CONNECTIONS=4 REPEATS=3   file size, connections per download, rounds
#   RUNS=5 WARMUP_RUNS=3                   measured and warm-up downloads per round
#   WARMUP=2 DURATION=5                    seconds of warm-up and measurement of the raw get_slice
#   OUT_DIR                                where downloads are written (default: a new directory
#                                          under TMPDIR); the served file lives there too
#   DAEMON_JAVA_OPTS=-Xmx512m              JVM options of the daemon
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
size_mib="${SIZE_MIB:-256}"
connections="${CONNECTIONS:-4}"
repeats="${REPEATS:-3}"
runs="${RUNS:-5}"
warmup_runs="${WARMUP_RUNS:-3}"
warmup="${WARMUP:-2}"
duration="${DURATION:-5}"
bench_jar="$root/hftp-bench/target/hftp-bench.jar"
daemon_jar="$root/hftp-server/target/hftp-server.jar"
client_jar="$root/hftp-client/target/hftp-client.jar"

daemon_pid=""
work=""
cleanup() {
    if [ -n "$daemon_pid" ] && kill -0 "$daemon_pid" 2>/dev/null; then
        kill "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
    fi
    if [ -n "$work" ]; then
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%T)] $*" >&2; }

if [ ! -f "$bench_jar" ] || [ ! -f "$daemon_jar" ] || [ ! -f "$client_jar" ] || [ -n "$(find "$root/pom.xml" \
        "$root/hftp-codec/src/main" "$root/hftp-client/src/main" "$root/hftp-server/src/main" "$root/hftp-bench/src/main" \
        -newer "$bench_jar" -print -quit 2>/dev/null)" ]; then
    log "building the jars"
    (cd "$root" && JAVA_HOME="${JAVA_HOME:-}" mvn -q -B -ntp -pl hftp-server,hftp-client,hftp-bench -am -DskipTests \
        -Dspotless.check.skip=true package) >&2
fi

work="$(mktemp -d "${OUT_DIR:-${TMPDIR:-/tmp}}/hftp-download.XXXXXX")"
mkdir -p "$work/served" "$work/out"
head -c $((size_mib << 20)) /dev/urandom >"$work/served/big"
size=$((size_mib << 20))

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

start_daemon() {
    port="$(free_port)"
    "$java_bin" ${DAEMON_JAVA_OPTS:--Xmx512m} -jar "$daemon_jar" -a 127.0.0.1 -p "$port" -d "$work/served" \
        --no-access-log >"$work/daemon.log" 2>&1 &
    daemon_pid=$!
    local tries=0
    until true 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port"; do
        tries=$((tries + 1))
        if ! kill -0 "$daemon_pid" 2>/dev/null || [ "$tries" -gt 3000 ]; then
            log "the daemon did not start:"; tail -5 "$work/daemon.log" >&2; exit 1
        fi
        sleep 0.01
    done
}

stop_daemon() {
    kill "$daemon_pid" 2>/dev/null || true
    wait "$daemon_pid" 2>/dev/null || true
    daemon_pid=""
}

java_version="$("$java_bin" -version 2>&1 | head -1)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "JVM: $java_version; ${size_mib} MiB, $connections connections, $repeats rounds; load average $load_start"
rows=()
for rep in $(seq 1 "$repeats"); do
    start_daemon
    raw="$("$java_bin" -jar "$bench_jar" load bulk -c 1 -r "get_slice big 0 $size" --port "$port" -w "$warmup" \
        -t "$duration" --server-pid "$daemon_pid" 2>&1 | sed -n 's/.* \([0-9.]*\) MiB\/s of file bytes.*/\1/p')"
    log "round $rep: raw get_slice, 1 connection: $raw MiB/s"
    row="$("$java_bin" -jar "$bench_jar" download -f big --port "$port" -c "$connections" --runs "$runs" \
        --warmup-runs "$warmup_runs" -o "$work/out" --server-pid "$daemon_pid" --format md --label "$rep" \
        | tail -1)"
    log "round $rep: $row"
    rm -f "$work/out/fresh"
    t0="$(date +%s%N)"
    "$java_bin" -jar "$client_jar" get big --port "$port" -c "$connections" --quiet --output "$work/out/fresh"
    fresh_ms=$((($(date +%s%N) - t0) / 1000000))
    rm -f "$work/out/fresh"
    fresh="$(python3 -c "print(f'{$size_mib * 1000 / $fresh_ms:.1f}')")"
    log "round $rep: fresh hftp get: $fresh MiB/s ($fresh_ms ms with JVM start-up)"
    stop_daemon
    rows+=("${row% |} | $raw | $fresh |")
done

echo "JVM: $java_version; file ${size_mib} MiB; $connections connections; load average $load_start at start,"\
    "$(cut -d' ' -f1-3 /proc/loadavg) at end"
echo
echo "| round | download MiB/s | client CPU ms/GiB | server CPU ms/GiB | client get_slice 1 conn MiB/s" \
    "| client CPU ms/GiB | server CPU ms/GiB | raw get_slice 1 conn MiB/s | fresh \`hftp get\` MiB/s |"
echo "|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
