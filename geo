#!/usr/bin/env bash
# Geo: the one entry script. Run ./geo --help.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
STATE="${GEO_STATE:-$ROOT/.geo}"        # git-ignored: pids, logs (GEO_STATE: elsewhere, e.g. for tests)
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
GEO_PG_PORT="${GEO_PG_PORT:-55432}"
GEO_PORT="${GEO_PORT:-5080}"
APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting)
TEST_PACKAGES=(gdal-bin chromium fonts-wqy-microhei python3-shapely python3-pyproj)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1m[geo]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[geo]\033[0m %s\n' "$*" >&2; exit 1; }

usage() {
  cat <<EOF
Geo: smart-community spatial data platform for Tongzhou District.

usage: ./geo COMMAND [ARGS]

  run [--nodes N] [--replica]
                      install PostgreSQL 15 + PostGIS 3 + pgRouting if missing (as root), start the
                      private cluster (127.0.0.1:\$GEO_PG_PORT, default 55432), migrate, load the base
                      layers (generating the demo data set if absent), serve http://127.0.0.1:\$GEO_PORT
                      --nodes N: N web nodes (ports GEO_PORT+1..N) behind the YARP gateway on GEO_PORT;
                      --replica: a streaming hot standby (pg_basebackup, slot geo_standby, port GEO_PG_PORT+1)
                      taking the lag-tolerant reads
  test                the same bootstrap on a throwaway cluster, build (warnings are errors), run every
                      test, print 'N passed, N failed' last; stops what it started
  stop                stop the web host (or the gateway and every node), the standby and the private cluster
  psql [ARGS]         psql on the Geo database
  ingest FILE --kind K [--crs C] [--source S] [--repair]
                      import GeoJSON, CSV (UTF-8/GBK), Shapefile (.shp/.zip) or GeoPackage
  network generate [--seed N] [--scale S] | network import FILE.osm|.osm.pbf
                      (re)build the walking network (synthetic, or from OpenStreetMap)
  generate [--seed N] [--scale S] [--out DIR --format geojson|csv]
                      (re)generate the synthetic demo layers (labelled synthetic), or write them to files
  tiles seed --layer L --max-zoom Z [--min-zoom Z0] [--dir DIR]
                      pre-render vector tiles into tiles/ (served first)
  users add --user NAME --password P --role admin|planner|grid_manager|resident [--display-name N] [--grid-manager N]
                      create an account (a taken name is an error)
  users seed-demo [--password P] [--all-grid-managers]
                      demo accounts demo-admin, demo-planner, demo-resident, demo-grid-1..5 (idempotent);
                      --all-grid-managers: one account per grid manager in the data (minutes)
  users apikey --name N [--role device] [--user-id ID] [--sensors ID,ID,...]
                      create a device API key (bound to those sensors), printed once
  care rotate-key [--batch N]
                      re-encrypt the care registry's and delivery orders' personal fields to the active key
                      (Geo__CareRegistry__Keys__ID, Geo__CareRegistry__ActiveKeyId), in batches; resumable
  simulate [--sensors N] [--minutes M] [--interval S] [--url U]
                      device fleet on the public device API beside ./geo run: heartbeats, alarms, meters, dropouts
  bench NAME          run a side-by-side benchmark on a durable cluster:
                      ingest | api | tiles | isochrone | coverage | dispatch | readings
                      | scale [--seconds S] [--concurrency C] (1 node vs 2 nodes + standby, through the gateway)
  migrate             apply EF Core migrations

environment:
  GEO_DB        connection string of an existing PostGIS to use instead of the private cluster
  GEO_PORT      web port (default 5080)      GEO_PG_PORT  private cluster port (default 55432)
  GEO_PGDIR     private cluster directory (default .pgdata, or /var/tmp/geo-pg-* when user postgres
                cannot reach the checkout)
  GEO_CONFIG    build configuration the commands build and run (default Release; test always uses Debug)
  GEO_NO_BUILD  1: do not build, run the binaries already built for GEO_CONFIG (the smoke tests use this)
  GEO_STATE     directory for pids and logs (default .geo)
  GEO_BENCH_DB  database a benchmark may fill (default geo_bench on the private cluster; required with GEO_DB)
  GEO_TEST_RESULTS  test results directory of ./geo test (default TestResults)
EOF
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# ---------------------------------------------------------------- packages
missing_packages() {
  local p out=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || out+=("$p")
  done
  echo "${out[@]:-}"
}

ensure_packages() {
  local missing
  missing="$(missing_packages "$@")"
  [ -z "$missing" ] && return 0
  if is_root; then
    say "installing from Debian: $missing"
    apt-get update -qq >/dev/null
    # shellcheck disable=SC2086
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
  else
    die "missing Debian packages. Install them with:
    sudo apt-get update && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $missing"
  fi
}

ensure_dotnet() {
  command -v dotnet >/dev/null || die ".NET SDK 10 is required (dotnet not on PATH); see https://learn.microsoft.com/dotnet/core/install/linux-debian"
}

# ---------------------------------------------------------------- build
CONFIG="${GEO_CONFIG:-Release}"
build() {
  ensure_dotnet
  if [ "${GEO_NO_BUILD:-}" = 1 ]; then
    # the smoke tests run this script from inside a test run: rebuilding there would race the build under test
    [ -f "$(dll Geo.Ingest)" ] || die "GEO_NO_BUILD=1 but $(dll Geo.Ingest) is missing: build $CONFIG first"
    return 0
  fi
  dotnet tool restore >/dev/null
  say "building ($CONFIG, warnings are errors)"
  dotnet build "$ROOT/Geo.sln" -c "$CONFIG" -nologo -clp:ErrorsOnly -warnaserror >"$STATE/build.log" 2>&1 \
    || { cat "$STATE/build.log" >&2; die "build failed"; }
}
dll() { echo "$ROOT/$1/bin/$CONFIG/net10.0/$1.dll"; }
ingest_cli() { dotnet "$(dll Geo.Ingest)" "$@"; }

# ---------------------------------------------------------------- postgres
as_pg() { if is_root; then runuser -u postgres -- "$@"; else "$@"; fi; }

pg_dir_default() {
  local d="$ROOT/.pgdata"
  if is_root && ! runuser -u postgres -- test -x "$ROOT" 2>/dev/null; then
    d="/var/tmp/geo-pg-$(echo -n "$ROOT" | md5sum | cut -c1-8)"
  fi
  echo "$d"
}

# start_cluster DIR PORT [extra postgres -c options...]
start_cluster() {
  local dir="$1" port="$2"; shift 2
  local opts="-p $port -k $dir -c listen_addresses=127.0.0.1 $*"
  mkdir -p "$dir"
  is_root && chown postgres:postgres "$dir"
  if [ -f "$dir/data/postmaster.pid" ]; then
    if as_pg "$PG_BIN/pg_ctl" -D "$dir/data" status >/dev/null 2>&1; then
      return 0                                   # already running: idempotent
    fi
    say "stale postmaster.pid in $dir (no live server): removing it"
    rm -f "$dir/data/postmaster.pid"
  fi
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    rm -rf "$dir/data"
    as_pg "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; die "initdb failed"; }
  fi
  if ! as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 -o "$opts" start >/dev/null 2>&1; then
    tail -n 20 "$dir/server.log" >&2 || true
    die "PostgreSQL did not start on 127.0.0.1:$port (port in use? see $dir/server.log)"
  fi
}

stop_cluster() {
  local dir="$1"
  [ -f "$dir/data/postmaster.pid" ] || return 0
  as_pg "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
}

# ensure_database CONNSTRING-PARTS: creates DB + extensions if missing
psql_admin() { "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres "${@:2}"; }
ensure_database() {
  local port="$1" db="$2"
  if ! psql_admin "$port" -tAc "SELECT 1 FROM pg_database WHERE datname='$db'" | grep -q 1; then
    psql_admin "$port" -c "CREATE DATABASE \"$db\""
  fi
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" \
    -c "CREATE EXTENSION IF NOT EXISTS postgis; CREATE EXTENSION IF NOT EXISTS pgrouting;" >/dev/null
}

# bootstrap the run database; exports GEO_DB
bootstrap_run_db() {
  mkdir -p "$STATE"
  if [ -n "${GEO_DB:-}" ]; then
    say "using GEO_DB (existing PostGIS)"
  else
    ensure_packages "${APT_PACKAGES[@]}"
    local dir="${GEO_PGDIR:-$(pg_dir_default)}"
    echo "$dir" >"$STATE/pgdir"
    # durable: fsync and synchronous_commit stay on; 300 connections leave room for several nodes, jobs and a
    # benchmark's pgbench floor beside the app's pools
    start_cluster "$dir" "$GEO_PG_PORT" -c max_connections=300
    ensure_database "$GEO_PG_PORT" geo
    export GEO_DB="Host=127.0.0.1;Port=$GEO_PG_PORT;Username=postgres;Database=geo;Maximum Pool Size=64"
  fi
}

# the care registry's key ring: from the environment (Geo__CareRegistry__Key, or Geo__CareRegistry__Keys__ID +
# Geo__CareRegistry__ActiveKeyId), else one key made once for this checkout in $STATE (never in git, never in the database)
care_key_env() {
  if [ -z "${Geo__CareRegistry__Key:-}" ] && ! env | grep -q '^Geo__CareRegistry__Keys__'; then
    mkdir -p "$STATE"
    if [ ! -s "$STATE/care-registry.key" ]; then (umask 077; head -c 32 /dev/urandom | base64 >"$STATE/care-registry.key"); fi
    export Geo__CareRegistry__Key="$(cat "$STATE/care-registry.key")"
  fi
}

# ---------------------------------------------------------------- commands
cmd_run() {
  [ $# -eq 0 ] || { cmd_run_scaled "$@"; return; }
  mkdir -p "$STATE"
  if [ -f "$STATE/web.pid" ] && kill -0 "$(cat "$STATE/web.pid")" 2>/dev/null; then
    say "Geo is already running (pid $(cat "$STATE/web.pid")) at $(cat "$STATE/web.url" 2>/dev/null || echo "http://127.0.0.1:$GEO_PORT")"
    say "stop it with ./geo stop"
    exit 1
  fi
  bootstrap_run_db
  build
  ingest_cli migrate
  ingest_cli load-base
  ingest_cli network ensure
  care_key_env
  ingest_cli care demo
  local url="http://127.0.0.1:$GEO_PORT"
  echo "$url" >"$STATE/web.url"
  say "Geo is starting at $url  (health: $url/health, stop: ./geo stop or Ctrl-C)"
  (cd "$ROOT/Geo.Web" && ASPNETCORE_URLS="$url" ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
     exec dotnet "$(dll Geo.Web)") &
  local pid=$!
  echo "$pid" >"$STATE/web.pid"
  trap 'kill $pid 2>/dev/null || true' INT TERM
  for _ in $(seq 1 60); do
    if curl -fsS "$url/health" >/dev/null 2>&1; then say "ready: $url"; break; fi
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  wait "$pid" || true
  rm -f "$STATE/web.pid"
}

cmd_stop() {
  stop_scaled
  if [ -f "$STATE/web.pid" ]; then
    kill "$(cat "$STATE/web.pid")" 2>/dev/null && say "web host stopped" || true
    rm -f "$STATE/web.pid"
  fi
  if [ -n "${GEO_DB:-}" ]; then
    say "GEO_DB is set: that database is not ours to stop"
    return 0
  fi
  local dir="${GEO_PGDIR:-$(cat "$STATE/pgdir" 2>/dev/null || pg_dir_default)}"
  stop_cluster "$dir" && say "cluster stopped ($dir)"
}

cmd_test() {
  ensure_packages "${APT_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
  mkdir -p "$STATE"
  CONFIG=Debug build
  local port results
  TEST_DIR="$(mktemp -d /tmp/geo-test-XXXXXX)"; chmod 755 "$TEST_DIR"
  local dir="$TEST_DIR"
  port="${GEO_TEST_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}"
  results="${GEO_TEST_RESULTS:-$ROOT/TestResults}"
  rm -rf "$results"; mkdir -p "$results"
  cleanup() { stop_cluster "$TEST_DIR"; rm -rf "$TEST_DIR"; }
  trap cleanup EXIT
  # a throwaway cluster: durability off is fine here and only here
  start_cluster "$dir" "$port" -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300
  ensure_database "$port" postgres
  export GEO_TEST_DB="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres;Maximum Pool Size=20"
  say "throwaway cluster on 127.0.0.1:$port ($dir)"
  set +e
  dotnet test "$ROOT/Geo.Tests/Geo.Tests.csproj" -c Debug --no-build -nologo \
    --logger "trx;LogFileName=geo.trx" --logger "console;verbosity=normal" --results-directory "$results" "$@"
  local rc=$?
  set -e
  local trx="$results/geo.trx"
  if [ -f "$trx" ]; then
    python3 - "$trx" <<'PY'
import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
m = re.search(r'<Counters [^>]*>', s)
attrs = dict(re.findall(r'(\w+)="(\d+)"', m.group(0))) if m else {}
passed = int(attrs.get("passed", 0)); total = int(attrs.get("total", 0))
failed = int(attrs.get("failed", 0)) + int(attrs.get("error", 0)) + int(attrs.get("timeout", 0)) + int(attrs.get("aborted", 0))
if total > passed + failed + int(attrs.get("notExecuted", 0)):
    failed += total - passed - failed - int(attrs.get("notExecuted", 0))
# name every test that did not pass, with the first lines of its message, so a CI log's tail says which
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
try:
    import xml.etree.ElementTree as ET
    root = ET.fromstring(s)
    bad = [r for r in root.iter("{%s}UnitTestResult" % ns["t"]) if r.get("outcome") not in ("Passed", "NotExecuted")]
    for r in bad:
        msg = r.find(".//t:Output/t:ErrorInfo/t:Message", ns)
        text = (msg.text or "").strip().splitlines() if msg is not None else []
        print(f"NOT PASSED ({r.get('outcome')}): {r.get('testName')} [{r.get('duration')}]")
        for line in text[:6]:
            print(f"    {line[:300]}")
except Exception as e:  # the summary line below must print whatever happens here
    print(f"(could not list the tests that did not pass: {e})")
print(f"{passed} passed, {failed} failed")
PY
  else
    echo "0 passed, 1 failed"
  fi
  return $rc
}

BENCHES="ingest | api | tiles | isochrone | coverage | dispatch | readings | scale"
cmd_bench() {
  [ $# -ge 1 ] || die "usage: ./geo bench NAME   (NAME: $BENCHES)"
  case "$1" in
    ingest|ingest-parse|api|tiles|isochrone|coverage|dispatch|readings) ;;
    scale) shift; bench_scale "$@"; return ;;
    *) die "unknown benchmark '$1' (NAME: $BENCHES)" ;;
  esac
  local external="${GEO_DB:-}"
  if [ -n "$external" ] && [ -z "${GEO_BENCH_DB:-}" ]; then
    die "with GEO_DB set, also set GEO_BENCH_DB to a database the benchmark may fill (it seeds its own rows)"
  fi
  bootstrap_run_db
  build
  case "$1" in   # only what the named benchmark runs as its peer
    ingest) ensure_packages gdal-bin ;;
    api) ensure_packages wrk ;;
    coverage) ensure_packages python3-shapely python3-pyproj ;;
  esac
  ingest_cli migrate >/dev/null
  # benchmarks get their own database on the durable run cluster (fsync on)
  if [ -z "${GEO_BENCH_DB:-}" ]; then
    ensure_database "$GEO_PG_PORT" geo_bench
    export GEO_BENCH_DB="Host=127.0.0.1;Port=$GEO_PG_PORT;Username=postgres;Database=geo_bench;Maximum Pool Size=64"
  fi
  dotnet "$(dll Geo.Bench)" "$@"
}

# libpq environment from an Npgsql connection string: psql speaks libpq keywords, GEO_DB is Npgsql's
npgsql_to_libpq_env() {
  local part key val parts
  IFS=';' read -ra parts <<<"$1"
  for part in "${parts[@]}"; do
    key="$(printf '%s' "${part%%=*}" | tr -d ' ' | tr '[:upper:]' '[:lower:]')"
    val="${part#*=}"
    case "$key" in
      host|server) export PGHOST="$val" ;;
      port) export PGPORT="$val" ;;
      username|userid|user) export PGUSER="$val" ;;
      password) export PGPASSWORD="$val" ;;
      database|db) export PGDATABASE="$val" ;;
      sslmode) export PGSSLMODE="$(printf '%s' "$val" | tr '[:upper:]' '[:lower:]')" ;;
    esac
  done
}

cmd_psql() {
  bootstrap_run_db >/dev/null   # the private cluster, or GEO_DB as given
  npgsql_to_libpq_env "$GEO_DB"
  exec "$PG_BIN/psql" "$@"
}

cmd_cli() {  # ingest | generate | migrate | load-base | network | tiles | users | care | simulate
  bootstrap_run_db
  build
  [ "$1" = migrate ] || ingest_cli migrate >/dev/null
  [ "$1" = care ] && care_key_env
  # exec: the importer takes this script's pid, so kill -9 of `./geo ingest` kills the importer itself
  # (its database backend then stops too: see client_connection_check_interval in BulkLoad)
  exec dotnet "$(dll Geo.Ingest)" "$@"
}

# ---------------------------------------------------------------- scale-out: gateway, nodes, standby
STANDBY_SLOT=geo_standby
standby_dir() { echo "$1-standby"; }

# ensure_standby PRIMARY_DIR PRIMARY_PORT STANDBY_PORT: a hot standby streaming from the primary through a
# physical replication slot (made once with pg_basebackup; remade when the slot is gone)
ensure_standby() {
  local pdir="$1" pport="$2" sport="$3" sdir
  sdir="$(standby_dir "$pdir")"
  local has_slot
  has_slot="$(psql_admin "$pport" -tAc "SELECT 1 FROM pg_replication_slots WHERE slot_name='$STANDBY_SLOT'")"
  if [ ! -f "$sdir/data/PG_VERSION" ] || [ "$has_slot" != 1 ]; then
    stop_cluster "$sdir"
    rm -rf "$sdir"; mkdir -p "$sdir"
    is_root && chown postgres:postgres "$sdir"
    [ "$has_slot" = 1 ] && psql_admin "$pport" -qc "SELECT pg_drop_replication_slot('$STANDBY_SLOT')" >/dev/null
    say "making the standby with pg_basebackup (slot $STANDBY_SLOT)"
    as_pg "$PG_BIN/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$sdir/data" -R -C -S "$STANDBY_SLOT" \
      -X stream -c fast >"$sdir/basebackup.log" 2>&1 || { cat "$sdir/basebackup.log" >&2; die "pg_basebackup failed"; }
  fi
  # a hot standby needs at least the primary's max_connections
  start_cluster "$sdir" "$sport" -c hot_standby=on -c hot_standby_feedback=on -c max_connections=300
}

# start_node NAME PORT [ENV=VALUE...]: a web node in the background, pid and log in $STATE
start_node() {
  local name="$1" port="$2"; shift 2
  (cd "$ROOT/Geo.Web" && exec env ASPNETCORE_URLS="http://127.0.0.1:$port" \
     ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" "$@" dotnet "$(dll Geo.Web)") >"$STATE/$name.log" 2>&1 &
  echo $! >"$STATE/$name.pid"
}

wait_health() {  # URL PID SECONDS
  local i
  for i in $(seq 1 $(( $3 * 2 ))); do
    curl -fsS "$1/health" >/dev/null 2>&1 && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.5
  done
  return 1
}

# ./geo run --nodes N --replica: primary (+ standby), N nodes on GEO_PORT+1.., the gateway on GEO_PORT
cmd_run_scaled() {
  local nodes=1 replica=0
  while [ $# -gt 0 ]; do
    case "$1" in
      --nodes) [[ "${2:-}" =~ ^[1-9][0-9]?$ ]] || die "--nodes takes a number of web nodes from 1 to 99"; nodes="$2"; shift 2 ;;
      --replica) replica=1; shift ;;
      *) die "unknown option '$1' for run (--nodes N, --replica)" ;;
    esac
  done
  mkdir -p "$STATE"
  if [ -f "$STATE/gateway.pid" ] && kill -0 "$(cat "$STATE/gateway.pid")" 2>/dev/null || { [ -f "$STATE/web.pid" ] && kill -0 "$(cat "$STATE/web.pid")" 2>/dev/null; }; then
    die "Geo is already running; stop it with ./geo stop"
  fi
  [ "$replica" = 1 ] && [ -n "${GEO_DB:-}" ] && die "--replica makes a standby of the private cluster; with GEO_DB set, run without --replica"
  bootstrap_run_db
  build
  ingest_cli migrate
  ingest_cli load-base
  ingest_cli network ensure
  care_key_env
  ingest_cli care demo
  local pool=$(( 64 / nodes )); [ "$pool" -lt 16 ] && pool=16
  local primary="$GEO_DB;Maximum Pool Size=$pool" read="" standby=""
  if [ "$replica" = 1 ]; then
    local pdir sport=$(( GEO_PG_PORT + 1 ))
    pdir="$(cat "$STATE/pgdir")"
    ensure_standby "$pdir" "$GEO_PG_PORT" "$sport"
    read="Host=127.0.0.1:$sport,127.0.0.1:$GEO_PG_PORT;Username=postgres;Database=geo;Maximum Pool Size=$pool"
    standby="Host=127.0.0.1;Port=$sport;Username=postgres;Database=geo"
    say "standby streaming on 127.0.0.1:$sport"
  fi
  local i port urls="" pids=()
  for i in $(seq 1 "$nodes"); do
    port=$(( GEO_PORT + i ))
    start_node "node$i" "$port" ConnectionStrings__Geo="$primary" ${read:+ConnectionStrings__GeoRead="$read"}
    pids+=("$(cat "$STATE/node$i.pid")")
    urls="${urls:+$urls,}http://127.0.0.1:$port"
  done
  trap 'stop_scaled; exit 130' INT TERM
  for i in $(seq 1 "$nodes"); do
    wait_health "http://127.0.0.1:$(( GEO_PORT + i ))" "${pids[$((i-1))]}" 120 \
      || { tail -n 30 "$STATE/node$i.log" >&2; stop_scaled; die "node$i did not become healthy (log: $STATE/node$i.log)"; }
  done
  local url="http://127.0.0.1:$GEO_PORT"
  (exec env ASPNETCORE_URLS="$url" Gateway__Nodes="$urls" ConnectionStrings__Primary="$GEO_DB" \
     ${standby:+ConnectionStrings__Standby="$standby"} dotnet "$(dll Geo.Gateway)") >"$STATE/gateway.log" 2>&1 &
  local gw=$!
  echo "$gw" >"$STATE/gateway.pid"
  echo "$url" >"$STATE/web.url"
  wait_health "$url" "$gw" 60 || { tail -n 30 "$STATE/gateway.log" >&2; stop_scaled; die "the gateway did not start (log: $STATE/gateway.log)"; }
  say "ready: $url  ($nodes node(s): $urls$([ "$replica" = 1 ] && echo ", standby on :$(( GEO_PG_PORT + 1 ))"); health: $url/health; stop: ./geo stop or Ctrl-C)"
  wait "$gw" || true
  stop_scaled
}

# ./geo bench scale: the read mix through the gateway with 1 node and no replica, then 2 nodes + the standby
bench_scale() {
  local seconds=20 conc=32
  while [ $# -gt 0 ]; do
    case "$1" in
      --seconds) [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 600 ] || die "--seconds takes 1..600"; seconds="$2"; shift 2 ;;
      --concurrency) [[ "${2:-}" =~ ^[0-9]+$ ]] && [ "$2" -ge 1 ] && [ "$2" -le 256 ] || die "--concurrency takes 1..256"; conc="$2"; shift 2 ;;
      *) die "unknown option '$1' for bench scale (--seconds S, --concurrency C)" ;;
    esac
  done
  [ -z "${GEO_DB:-}" ] || die "bench scale runs the private cluster and its standby: unset GEO_DB"
  mkdir -p "$STATE"
  build
  local out label topo run_pid url="http://127.0.0.1:$GEO_PORT"
  out="$(mktemp -d /tmp/geo-bench-scale-XXXXXX)"
  for topo in "1" "2 --replica"; do
    label="$(echo "$topo" | sed 's/^1$/1 node, no replica/; s/^2 --replica$/2 nodes + standby/')"
    say "bench scale: starting $label"
    # shellcheck disable=SC2086
    GEO_NO_BUILD=1 "$ROOT/geo" run --nodes $topo >"$out/run.log" 2>&1 &
    run_pid=$!
    for _ in $(seq 1 600); do
      [ -f "$STATE/gateway.pid" ] && curl -fsS "$url/health" >/dev/null 2>&1 && break
      kill -0 "$run_pid" 2>/dev/null || { cat "$out/run.log" >&2; die "./geo run --nodes $topo failed"; }
      sleep 0.5
    done
    dotnet "$(dll Geo.Bench)" scale load "$url" "$label" "$seconds" "$conc" "$out/${topo%% *}.json" || true
    stop_scaled
    wait "$run_pid" 2>/dev/null || true
  done
  dotnet "$(dll Geo.Bench)" scale report "$out/1.json" "$out/2.json"
  rm -rf "$out"
}

# stops the gateway, every node and the standby this state directory started (the primary is cmd_stop's)
stop_scaled() {
  local f pid stopped=0
  for f in "$STATE"/gateway.pid "$STATE"/node*.pid; do
    [ -f "$f" ] || continue
    pid="$(cat "$f")"
    if kill "$pid" 2>/dev/null; then
      stopped=$((stopped + 1))
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    fi
    rm -f "$f"
  done
  [ "$stopped" -gt 0 ] && say "gateway and nodes stopped ($stopped processes)"
  if [ -z "${GEO_DB:-}" ] || [ -f "$STATE/pgdir" ]; then
    local pdir
    pdir="${GEO_PGDIR:-$(cat "$STATE/pgdir" 2>/dev/null || pg_dir_default)}"
    if [ -f "$(standby_dir "$pdir")/data/postmaster.pid" ]; then
      stop_cluster "$(standby_dir "$pdir")" && say "standby stopped"
    fi
  fi
  return 0
}

case "${1:-}" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  stop) shift; cmd_stop ;;
  psql) shift; cmd_psql "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  ingest|generate|migrate|load-base|network|tiles|users|care|simulate) cmd_cli "$@" ;;
  -h|--help|help) usage ;;
  "") usage; exit 2 ;;
  *) usage; die "unknown command '$1'" ;;
esac
