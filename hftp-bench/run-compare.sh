#!/usr/bin/env bash
# Compares HFTP servers side by side on this machine: the Python reference server, the minimal
# sender (the JDK's ceiling for big slices), the minimal C responder (the machine's ceiling for
# small requests, built with cc when one is installed), the minimal Netty responder (the same work
# on Netty: what Netty itself costs a small request) and, when its jar exists, our daemon (with
# and without its access log).
#
#   HFTP_REF_SERVER=path/to/hftp_ref_server.py [JAVA_HOME=...] hftp-bench/run-compare.sh
#
# Every JVM (servers and load generator) runs on $JAVA_HOME/bin/java, or `java` on the PATH.
# Each run starts a fresh server on a free loopback port, times it to its first accepted
# connection, warms up, measures, reads the server's CPU time and RSS from /proc, and stops it.
# Scenarios are repeated REPEATS times, servers interleaved within each repetition, and the
# medians are printed as markdown (and kept with the raw CSV under hftp-bench/target/compare/).
#
# Environment (all optional but HFTP_REF_SERVER, without which the reference server is skipped):
#   HFTP_REF_SERVER   the reference server script, run with python3
#   HFTP_SERVER_JAR   the daemon's jar (default hftp-server/target/hftp-server.jar; skipped if absent)
#   REPEATS=3 WARMUP=20 DURATION=4     repetitions, seconds of warm-up and of measurement per run
#                                      (a fresh JVM server keeps compiling its hot paths for 15-20 s
#                                      under small requests: measured 4 s windows from a fresh daemon
#                                      rose from 20 k to 45 k, 53 k and 57 k replies/s before settling)
#   SCENARIOS="small-d1 small-d16 slice-64m slice-16m-x4 raw-64m raw-16m-x4 conns-1k conns-10k"
#                                      a subset to run
#   SERVERS="ref sender ceiling netty daemon daemon-log"   a subset of servers (netty: the
#                                      minimal Netty responder; daemon-log: the daemon as users
#                                      run it, access log on, written to a file)
#   SERVER_JAVA_OPTS, LOAD_JAVA_OPTS   extra JVM options for the Java servers / the generator
#   DAEMON_JAVA_OPTS=-Xmx512m          JVM options of the daemon and the Netty responder only (default:
#                                      the launcher's, so that the two run alike)
#   LOAD_THREADS=1                     event loop threads of the Java load generator
#   LOADGEN=c                          the generator of the small-* and conns-* scenarios: c (the
#                                      minimal C generator, src/main/c/min_loadgen.c, built with cc
#                                      when one is installed; java otherwise) or java (hftp-bench
#                                      load). Slices always use the Java generator, which decodes them.
#   CONNECT_DEADLINE=20                seconds to open the connections; those not open by then are
#                                      left out (the table shows how many were)
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
repeats="${REPEATS:-3}"
warmup="${WARMUP:-20}"
duration="${DURATION:-4}"
load_threads="${LOAD_THREADS:-1}"
connect_deadline="${CONNECT_DEADLINE:-20}"
scenarios="${SCENARIOS:-small-d1 small-d16 slice-64m slice-16m-x4 raw-64m raw-16m-x4 conns-1k conns-10k}"
servers="${SERVERS:-ref sender ceiling netty daemon daemon-log}"
daemon_jar="${HFTP_SERVER_JAR:-$root/hftp-server/target/hftp-server.jar}"
ref_server="${HFTP_REF_SERVER:-}"
loadgen="${LOADGEN:-c}"
if [ "$loadgen" = c ] && ! command -v cc >/dev/null; then
    log "no C compiler for the minimal load generator: the Java one measures small requests too"
    loadgen=java
fi

ensure_built hftp-bench "$bench_jar"

# Which servers can run here.
active=()
for s in $servers; do
    case "$s" in
        ref)
            if [ -z "$ref_server" ] || [ ! -f "$ref_server" ] || ! command -v python3 >/dev/null; then
                log "no reference server (set HFTP_REF_SERVER to hftp_ref_server.py; needs python3): skipped"
                continue
            fi ;;
        daemon|daemon-log)
            if [ ! -f "$daemon_jar" ]; then
                log "no daemon jar at $daemon_jar: skipped"
                continue
            fi ;;
        ceiling)
            if ! command -v cc >/dev/null; then
                log "no C compiler for the minimal responder: skipped"
                continue
            fi ;;
        sender|netty) ;;
        *) echo "unknown server: $s" >&2; exit 2 ;;
    esac
    active+=("$s")
done

# 10,000 connections need more than 10,000 descriptors in the generator and in the server.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null || true
fd_limit="$(ulimit -n)"

work="$(mktemp -d "${TMPDIR:-/tmp}/hftp-compare.XXXXXX")"
data="$work/data"
mkdir -p "$data"
head -c 1000 /dev/urandom >"$data/small"
head -c $((16 << 20)) /dev/urandom >"$data/mid"
head -c $((64 << 20)) /dev/urandom >"$data/big"
if [[ " ${active[*]} " == *" ceiling "* ]]; then
    cc -O2 -o "$work/min_responder" "$root/hftp-bench/src/main/c/min_responder.c"
fi
if [ "$loadgen" = c ]; then
    cc -O2 -o "$work/min_loadgen" "$root/hftp-bench/src/main/c/min_loadgen.c"
fi

out_dir="$root/hftp-bench/target/compare"
mkdir -p "$out_dir"
stamp="$(date +%Y%m%d-%H%M%S)"
csv="$out_dir/compare-$stamp.csv"
report="$out_dir/compare-$stamp.md"

now_ns() { date +%s%N; }

# start_server NAME PORT: starts it, sets server_pid and startup_ms (to the first accepted connection).
start_server() {
    local name="$1" port="$2" cmd
    case "$name" in
        ref) cmd=(python3 "$ref_server" -a 127.0.0.1 -p "$port" -d "$data") ;;
        sender) cmd=("$java_bin" ${SERVER_JAVA_OPTS:-} -jar "$bench_jar" sender -a 127.0.0.1 -p "$port" -d "$data") ;;
        daemon) cmd=("$java_bin" ${SERVER_JAVA_OPTS:-} ${DAEMON_JAVA_OPTS:--Xmx512m} -jar "$daemon_jar" -a 127.0.0.1 -p "$port" -d "$data" \
            --no-access-log --max-connections-per-address 10000) ;;
        daemon-log) cmd=("$java_bin" ${SERVER_JAVA_OPTS:-} ${DAEMON_JAVA_OPTS:--Xmx512m} -jar "$daemon_jar" -a 127.0.0.1 -p "$port" -d "$data" \
            --max-connections-per-address 10000) ;;
        ceiling) cmd=("$work/min_responder" "$port" "$data") ;;
        netty) cmd=("$java_bin" ${SERVER_JAVA_OPTS:-} ${DAEMON_JAVA_OPTS:--Xmx512m} -jar "$bench_jar" responder -a 127.0.0.1 -p "$port" -d "$data") ;;
    esac
    local t0
    t0="$(now_ns)"
    "${cmd[@]}" >"$work/$name.log" 2>&1 &
    server_pid=$!
    pids+=("$server_pid")
    if ! await_port "$port" "$server_pid"; then
        log "$name did not start; its output:"
        tail -5 "$work/$name.log" >&2
        stop "$server_pid"
        return 1
    fi
    startup_ms=$((($(now_ns) - t0) / 1000000))
}

# scenario_argv NAME: sets argv to the load generator's arguments for that scenario.
scenario_argv() {
    case "$1" in
        small-d1) argv=(rate -c 16 -D 1 -r "get_metadata small") ;;
        small-d16) argv=(rate -c 16 -D 16 -r "get_metadata small") ;;
        slice-64m) argv=(bulk -c 1 -D 1 -r "get_slice big 0 $((64 << 20))") ;;
        slice-16m-x4) argv=(bulk -c 4 -D 1 -r "get_slice mid 0 $((16 << 20))") ;;
        raw-64m) argv=(bulk -c 1 -D 1 -r "get_slice big 0 $((64 << 20)) raw") ;;
        raw-16m-x4) argv=(bulk -c 4 -D 1 -r "get_slice mid 0 $((16 << 20)) raw") ;;
        conns-1k) argv=(conns -c 1000 -D 1 -r "get_metadata small") ;;
        conns-10k) argv=(conns -c 10000 -D 1 -r "get_metadata small") ;;
        *) return 1 ;;
    esac
}
applies() { # scenario server: the sender serves slices only, the responders get_metadata only
    case "$2" in
        sender) [[ "$1" == slice-* ]] || [[ "$1" == raw-* ]] ;;
        ceiling|netty) [[ "$1" == small-* ]] || [[ "$1" == conns-* ]] ;;
        *) true ;;
    esac
}

java_version="$("$java_bin" -version 2>&1 | head -1)"
header="scenario,server,rep,startup_ms,$("$java_bin" -jar "$bench_jar" load csv-header)"
echo "$header" >"$csv"

log "JVM: $java_version; servers: ${active[*]}; scenarios: $scenarios; $repeats x (${warmup}s + ${duration}s); small requests from the $loadgen generator"
log "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
load_start="$(cut -d' ' -f1-3 /proc/loadavg)"

for rep in $(seq 1 "$repeats"); do
    for scenario in $scenarios; do
        scenario_argv "$scenario" || { echo "unknown scenario: $scenario" >&2; exit 2; }
        if [ "$scenario" = conns-10k ] && [ "$fd_limit" -lt 10100 ]; then
            log "conns-10k skipped: only $fd_limit file descriptors allowed"
            continue
        fi
        for server in "${active[@]}"; do
            applies "$scenario" "$server" || continue
            port="$(free_port)"
            start_server "$server" "$port" || continue
            if [ "$loadgen" = c ] && [[ "$scenario" != slice-* ]] && [[ "$scenario" != raw-* ]]; then
                line="$("$work/min_loadgen" -m "${argv[0]}" -c "${argv[2]}" -D "${argv[4]}" -r "${argv[6]}" -p "$port" \
                    -w "$warmup" -t "$duration" -d "$connect_deadline" -s "$server_pid" -l "$server" \
                    2>"$work/load.err" | tail -1)" || true
            else
                line="$("$java_bin" ${LOAD_JAVA_OPTS:-} -jar "$bench_jar" load "${argv[@]}" --port "$port" \
                    -w "$warmup" -t "$duration" --threads "$load_threads" --connect-deadline "$connect_deadline" \
                    --server-pid "$server_pid" --format csv --label "$server" 2>"$work/load.err" | tail -1)" || true
            fi
            stop "$server_pid"
            if [ -z "$line" ]; then
                log "$scenario $server #$rep: no result"
                tail -3 "$work/load.err" >&2
                continue
            fi
            echo "$scenario,$server,$rep,$startup_ms,$line" >>"$csv"
            log "$scenario $server #$rep: $(grep -m1 ' s: ' "$work/load.err" | sed 's/^ *//') (start-up ${startup_ms} ms)"
        done
    done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------------------------------------
# Medians, as markdown.
python3 - "$csv" "$java_version" "$load_start" "$load_end" "$repeats" "$warmup" "$duration" "$loadgen" >"$report" <<'EOF'
import csv, statistics, sys
path, jvm, load_start, load_end, repeats, warmup, duration, loadgen = sys.argv[1:]
rows = list(csv.DictReader(open(path)))
servers = [s for s in ("ref", "sender", "ceiling", "netty", "daemon", "daemon-log") if any(r["server"] == s for r in rows)]
names = {"ref": "Python reference", "sender": "minimal sender", "ceiling": "minimal C responder",
         "netty": "minimal Netty responder", "daemon": "hftp daemon", "daemon-log": "hftp daemon, access log on"}

def med(scenario, server, col):
    vals = [float(r[col]) for r in rows if r["scenario"] == scenario and r["server"] == server
            and r[col] not in ("", "-1")]
    return (statistics.median(vals), len(vals)) if vals else (None, 0)

def fmt(v, digits=0):
    if v is None:
        return "–"
    return f"{v:,.{digits}f}"

print(f"JVM for every Java process: `{jvm}`; medians of {repeats} runs "
      f"({warmup} s warm-up + {duration} s measured each); load average {load_start} at the start, "
      f"{load_end} at the end (2 shared cores: noisy). Small requests and connections from the "
      + ("minimal C load generator" if loadgen == "c" else "Java load generator") + ".\n")

groups = [
    ("Small requests (`get_metadata small`, 16 connections)", ["small-d1", "small-d16"],
     [("replies/s", "replies_per_s", 0), ("p50 µs", "p50_us", 0), ("p99 µs", "p99_us", 0),
      ("p99.9 µs", "p999_us", 0), ("server CPU %", "server_cpu_pct", 0), ("load CPU µs/reply", "gen_cpu_us_per_reply", 2)]),
    ("Big slices (file MiB/s, decoded bytes; raw-*: the 2026 edition's raw form)",
     ["slice-64m", "slice-16m-x4", "raw-64m", "raw-16m-x4"],
     [("file MiB/s", "file_mib_per_s", 1), ("slices/s", "replies_per_s", 2), ("server CPU %", "server_cpu_pct", 0),
      ("server CPU ms/GiB", "server_cpu_ms_per_gib", 0),
      ("server peak RSS MiB", "server_hwm_mib", 0), ("load CPU %", "gen_cpu_pct", 0), ("load CPU ms/GiB", "gen_cpu_ms_per_gib", 0)]),
    ("Concurrent connections (`get_metadata small`, depth 1)", ["conns-1k", "conns-10k"],
     [("replies/s", "replies_per_s", 0), ("connected", "connected", 0), ("p99 µs", "p99_us", 0), ("connect ms", "connect_ms", 0),
      ("server RSS MiB", "server_rss_mib", 0), ("server CPU %", "server_cpu_pct", 0), ("load CPU µs/reply", "gen_cpu_us_per_reply", 2)]),
]
for title, scenarios, cols in groups:
    present = [s for s in scenarios if any(r["scenario"] == s for r in rows)]
    if not present:
        continue
    print(f"### {title}\n")
    print("| scenario | server | " + " | ".join(c[0] for c in cols) + " | runs | failures |")
    print("|---|---|" + "---|" * len(cols) + "---|---|")
    for sc in present:
        for sv in servers:
            n = med(sc, sv, cols[0][1])[1]
            if n == 0:
                continue
            fails = sum(int(float(r["failures"])) + int(float(r["closes"])) for r in rows
                        if r["scenario"] == sc and r["server"] == sv)
            print(f"| {sc} | {names[sv]} | " + " | ".join(fmt(med(sc, sv, c)[0], d) for _, c, d in cols)
                  + f" | {n} | {fails} |")
        base = med(sc, "ref", cols[0][1])[0]
        for sv in servers:
            v = med(sc, sv, cols[0][1])[0]
            if sv != "ref" and base and v is not None:
                print(f"| {sc} | {names[sv]} ÷ reference | {v / base:.2f}× |" + " |" * (len(cols) + 1))
        top = next((c for c in ("ceiling", "sender") if med(sc, c, cols[0][1])[0]), None)
        for sv in ("netty", "daemon", "daemon-log"):
            v = med(sc, sv, cols[0][1])[0]
            if top and v is not None:
                print(f"| {sc} | {names[sv]} ÷ {names[top]} | {v / med(sc, top, cols[0][1])[0]:.2f}× |"
                      + " |" * (len(cols) + 1))
        floor = med(sc, "netty", cols[0][1])[0]
        for sv in ("daemon", "daemon-log"):
            v = med(sc, sv, cols[0][1])[0]
            if floor and v is not None:
                print(f"| {sc} | {names[sv]} ÷ {names['netty']} | {v / floor:.2f}× |" + " |" * (len(cols) + 1))
    print()

print("### Start-up (to the first accepted connection) and memory\n")
print("| server | start-up ms (median) | start-ups | peak RSS MiB, small-d16 | RSS MiB with 10,000 connections |")
print("|---|---|---|---|---|")
for sv in servers:
    st = [float(r["startup_ms"]) for r in rows if r["server"] == sv]
    print(f"| {names[sv]} | {fmt(statistics.median(st))} | {len(st)} | "
          f"{fmt(med('small-d16', sv, 'server_hwm_mib')[0])} | {fmt(med('conns-10k', sv, 'server_rss_mib')[0])} |")
EOF
cat "$report"
log "results: $report (raw: $csv)"
