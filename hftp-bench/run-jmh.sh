#!/usr/bin/env bash
# Runs the JMH micro-benchmarks of the codec on $JAVA_HOME/bin/java (or `java` on the PATH) and
# prints, per benchmark, the median of the forks' mean scores as a markdown table.
#
#   [JAVA_HOME=...] hftp-bench/run-jmh.sh [benchmark regexp] [more JMH options]
#
# Defaults: 3 forks, 3 warm-up and 3 measured iterations of 1 s each (FORKS, WARMUP_ITERATIONS,
# ITERATIONS override them). The JSON from JMH is kept under hftp-bench/target/jmh/.
set -euo pipefail

. "$(dirname "${BASH_SOURCE[0]}")/bench-common.sh"
ensure_built hftp-bench "$bench_jar"

out_dir="$root/hftp-bench/target/jmh"
mkdir -p "$out_dir"
version="$("$java_bin" -version 2>&1 | head -1)"
feature="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java.specification.version = //p')"
json="$out_dir/jmh-jdk$feature-$(date +%Y%m%d-%H%M%S).json"

"$java_bin" -jar "$bench_jar" jmh -f "${FORKS:-3}" -wi "${WARMUP_ITERATIONS:-3}" -i "${ITERATIONS:-3}" \
    -w 1s -r 1s -rf json -rff "$json" "$@" >&2

python3 - "$json" "$version" <<'EOF'
import json, statistics, sys
path, version = sys.argv[1:]
units = {
    "RequestDecodeBenchmark.decode": "requests/s",
    "ResponseEncodeBenchmark.encode": "replies/s",
    "Base64SliceBenchmark.stream": "file MiB/s",
}
print(f"`{version}`; score = median of the forks' means; min–max of the forks' means\n")
print("| benchmark | parameter | score | unit | fork min–max | forks |")
print("|---|---|---|---|---|---|")
for r in json.load(open(path)):
    name = r["benchmark"].rsplit(".", 2)
    short = name[-2] + "." + name[-1]
    params = ", ".join(f"{k}={v}" for k, v in (r.get("params") or {}).items())
    forks = [statistics.mean(f) for f in r["primaryMetric"]["rawData"]]
    unit = units.get(short, r["primaryMetric"]["scoreUnit"])
    print(f"| {short} | {params} | {statistics.median(forks):,.0f} | {unit} | "
          f"{min(forks):,.0f}–{max(forks):,.0f} | {len(forks)} |")
EOF
echo "JMH results: $json" >&2
