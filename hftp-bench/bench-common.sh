# The set-up the benchmark scripts share; sourced by them, not run.
#
# Sets root (the project), java_bin ($JAVA_HOME/bin/java, or `java` on the PATH) and bench_jar,
# and defines log, ensure_built, free_port, await_port and stop. Processes recorded in the array
# pids and the directory in $work are stopped and removed on exit, whatever happens.

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
bench_jar="$root/hftp-bench/target/hftp-bench.jar"

pids=()
work=""
cleanup() {
    local pid
    for pid in "${pids[@]}"; do
        if kill -0 "$pid" 2>/dev/null; then
            kill "$pid" 2>/dev/null || true
            wait "$pid" 2>/dev/null || true
        fi
    done
    if [ -n "$work" ]; then
        rm -rf "$work"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[$(date +%T)] $*" >&2; }

# ensure_built MODULES JAR...: builds the comma-separated MODULES (and what they need) when a JAR is
# missing, or when the parent pom or a pom or main source of MODULES, the codec or the client is
# newer than the first JAR.
ensure_built() {
    local modules="$1" jar m stale="" sources=("$root/pom.xml")
    shift
    for m in hftp-codec hftp-client ${modules//,/ }; do
        sources+=("$root/$m/pom.xml" "$root/$m/src/main")
    done
    for jar in "$@"; do
        [ -f "$jar" ] || stale=1
    done
    if [ -n "$stale" ] || [ -n "$(find "${sources[@]}" -newer "$1" -print -quit 2>/dev/null)" ]; then
        log "building $*"
        (cd "$root" && JAVA_HOME="${JAVA_HOME:-}" mvn -q -B -ntp -pl "$modules" -am -DskipTests \
            -Dspotless.check.skip=true package) >&2
    fi
}

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# await_port PORT PID: waits until 127.0.0.1:PORT accepts a connection (made by this shell itself,
# no process started per attempt); fails if PID ends first or after 30 s.
await_port() {
    local port="$1" pid="$2" deadline=$(($(date +%s) + 30))
    until true 2>/dev/null 3<>"/dev/tcp/127.0.0.1/$port"; do
        if ! kill -0 "$pid" 2>/dev/null || [ "$(date +%s)" -gt "$deadline" ]; then
            return 1
        fi
        sleep 0.005
    done
}

# stop PID: stops that process and waits for it.
stop() {
    kill "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}
