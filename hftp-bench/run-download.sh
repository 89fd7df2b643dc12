#!/usr/bin/env bash
# Measures downloads on this machine: a whole file fetched with HftpDownloader over CONNECTIONS
# connections (one warm JVM, written to disk), in each of MODES (raw and base64 slices), against
# the daemon's single-connection raw get_slice of the same file (read by the load generator's
# scanner, which only counts bytes: the daemon's own rate), and against the client library's
# single-connection get_slice in the same mode (base64 decoded; then discarded), and against a
# minimal C fetcher (src/main/c/min_fetch.c, built with cc when one is installed) that does only a
# downloader's essential work over the same connections: raw get_slice, read, pwrite to the same
# disk (median of FETCH_RUNS runs per round). A fresh `hftp get --mode MODE` command per round and
# mode (JVM start-up included) is timed too.
#
#   [JAVA_HOME=...] hftp-bench/run-download.sh
#
# Every JVM runs on $JAVA_HOME/bin/java, or `java` on the PATH. Each round starts a fresh daemon.
# Environment (all optional):
#   SIZE_MIB=256 CONNECTIONS=4 REPEATS=3   file size, connections per download, rounds
#   MODES="raw base64"                     the download modes to measure, each every round
#   SINGLE=1                               0 skips the client library's one-connection get_slice
#   RUNS=5 WARMUP_RUNS=3                   measured and warm-up downloads per round
#   FETCH_RUNS=5                           runs of the minimal C fetcher per round
#   WARMUP=2 DURATION=5                    seconds of warm-up and measurement of the raw get_slice
#   OUT_DIR                                where downloads are written (default: a new directory
#                                          under TMPDIR); the served file lives there too
#   DAEMON_JAVA_OPTS=-Xmx512m              JVM options of the daemon
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
size_mib="${SIZE_MIB:-256}"
connections="${CONNECTIONS:-4}"
modes="${MODES:-raw base64}"
single_args=()
if [ "${SINGLE:-1}" = 0 ]; then single_args=(--no-single); fi
repeats="${REPEATS:-3}"
runs="${RUNS:-5}"
warmup_runs="${WARMUP_RUNS:-3}"
warmup="${WARMUP:-2}"
duration="${DURATION:-5}"
daemon_jar="$root/hftp-server/target/hftp-server.jar"
client_jar="$root/hftp-client/target/hftp-client.jar"

ensure_built hftp-server,hftp-client,hftp-bench "$bench_jar" "$daemon_jar" "$client_jar"

work="$(mktemp -d "${OUT_DIR:-${TMPDIR:-/tmp}}/hftp-download.XXXXXX")"
mkdir -p "$work/served" "$work/out"
fetch_bin=""
if command -v cc >/dev/null; then
    fetch_bin="$work/min_fetch"
    cc -O2 -pthread -o "$fetch_bin" "$root/hftp-bench/src/main/c/min_fetch.c"
else
    log "no C compiler for the minimal fetcher: its column stays empty"
fi
head -c $((size_mib << 20)) /dev/urandom >"$work/served/big"
size=$((size_mib << 20))

start_daemon() {
    port="$(free_port)"
    "$java_bin" ${DAEMON_JAVA_OPTS:--Xmx512m} -jar "$daemon_jar" -a 127.0.0.1 -p "$port" -d "$work/served" \
        --no-access-log >"$work/daemon.log" 2>&1 &
    daemon_pid=$!
    pids+=("$daemon_pid")
    if ! await_port "$port" "$daemon_pid"; then
        log "the daemon did not start:"; tail -5 "$work/daemon.log" >&2; exit 1
    fi
}

java_version="$("$java_bin" -version 2>&1 | head -1)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "JVM: $java_version; ${size_mib} MiB, $connections connections, $repeats rounds; load average $load_start"
rows=()
for rep in $(seq 1 "$repeats"); do
    start_daemon
    raw="$("$java_bin" -jar "$bench_jar" load bulk -c 1 -r "get_slice big 0 $size raw" --port "$port" \
        -w "$warmup" -t "$duration" --server-pid "$daemon_pid" 2>&1 \
        | sed -n 's/.* \([0-9.]*\) MiB\/s of file bytes.*/\1/p')"
    log "round $rep: raw get_slice read by the load generator, 1 connection: $raw MiB/s"
    fetch="–"
    if [ -n "$fetch_bin" ]; then
        rates=()
        for _ in $(seq 1 "${FETCH_RUNS:-5}"); do
            line="$("$fetch_bin" -p "$port" -f big -s "$size" -c "$connections" -o "$work/out/fetched")"
            log "round $rep: $line"
            rates+=("$(sed -n 's/.*: \([0-9.]*\) MiB\/s.*/\1/p' <<<"$line")")
            rm -f "$work/out/fetched"
        done
        fetch="$(printf '%s\n' "${rates[@]}" | sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}')"
        log "round $rep: minimal C fetcher, $connections connections, to disk: median $fetch MiB/s"
    fi
    for mode in $modes; do
        row="$("$java_bin" -jar "$bench_jar" download -f big --port "$port" -c "$connections" --runs "$runs" \
            --warmup-runs "$warmup_runs" -o "$work/out" --server-pid "$daemon_pid" --mode "$mode" ${single_args[@]+"${single_args[@]}"} --format md \
            --label "$rep $mode" | tail -1)"
        log "round $rep: $row"
        rm -f "$work/out/fresh"
        t0="$(date +%s%N)"
        "$java_bin" -jar "$client_jar" get big --port "$port" -c "$connections" --mode "$mode" --quiet \
            --output "$work/out/fresh"
        fresh_ms=$((($(date +%s%N) - t0) / 1000000))
        rm -f "$work/out/fresh"
        fresh="$(python3 -c "print(f'{$size_mib * 1000 / $fresh_ms:.1f}')")"
        log "round $rep: fresh hftp get --mode $mode: $fresh MiB/s ($fresh_ms ms with JVM start-up)"
        rows+=("${row% |} | $raw | $fetch | $fresh |")
    done
    stop "$daemon_pid"
done

echo "JVM: $java_version; file ${size_mib} MiB; $connections connections; load average $load_start at start,"\
    "$(cut -d' ' -f1-3 /proc/loadavg) at end"
echo
echo "| round, mode | download MiB/s | client CPU ms/GiB | server CPU ms/GiB | client get_slice 1 conn MiB/s" \
    "| client CPU ms/GiB | server CPU ms/GiB | raw get_slice 1 conn (load generator) MiB/s" \
    "| minimal C fetcher, $connections conn, to disk MiB/s | fresh \`hftp get\` MiB/s |"
echo "|---|---|---|---|---|---|---|---|---|---|"
printf '%s\n' "${rows[@]}"
