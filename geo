#!/usr/bin/env bash
# Geo: the one entry script. Run ./geo --help.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"
STATE="${GEO_STATE:-$ROOT/.geo}"        # git-ignored: pids, logs (GEO_STATE: elsewhere, e.g. for tests)
PG_BIN="${PG_BIN:-/usr/lib/postgresql/15/bin}"
GEO_PG_PORT="${GEO_PG_PORT:-55432}"
GEO_PORT="${GEO_PORT:-5080}"
GEO_VERSION=0.20.0                      # the product's version: ./geo --version, with the commit
APT_PACKAGES=(postgresql-15 postgresql-15-postgis-3 postgresql-15-pgrouting)
TEST_PACKAGES=(gdal-bin chromium fonts-wqy-microhei python3-shapely python3-pyproj)
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

say() { printf '\033[1m[geo]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[geo]\033[0m %s\n' "$*" >&2; exit 1; }
bad() { printf '\033[1;31m[geo]\033[0m %s\n' "$*" >&2; exit 2; }         # a usage error: exit 2
usage_error() { help_for "$1" >&2; bad "$2"; }                           # COMMAND MESSAGE

usage() {
  cat <<EOF
Geo: smart-community spatial data platform for Tongzhou District.

usage: ./geo COMMAND [ARGS]      ./geo COMMAND --help      ./geo --version

  run [--nodes N] [--replica]
                      install PostgreSQL 15 + PostGIS 3 + pgRouting if missing (as root), start the
                      private cluster (127.0.0.1:\$GEO_PG_PORT, default 55432), migrate, load the base
                      layers (generating the demo data set if absent), serve http://127.0.0.1:\$GEO_PORT
                      --nodes N: N web nodes (ports GEO_PORT+1..N) behind the YARP gateway on GEO_PORT;
                      --replica: a streaming hot standby (pg_basebackup, slot geo_standby, port GEO_PG_PORT+1)
                      taking the lag-tolerant reads
  test [DOTNET-TEST-ARGS]
                      the same bootstrap on a throwaway cluster, build (warnings are errors), run every
                      test (or those of --filter EXPR), print 'N passed, N failed' last; stops what it started
  stop                stop the web host (or the gateway and every node), the standby and the private cluster
  psql [ARGS]         psql on the Geo database (ARGS go to psql; its own help: ./geo psql -?)
  ingest FILE --kind K [--crs C] [--source S] [--encoding utf-8|gbk] [--layer L] [--repair]
                      import GeoJSON, CSV (UTF-8/GBK), Shapefile (.shp/.zip) or GeoPackage
  network generate [--seed N] [--scale S] [--boundary FILE]
                      rebuild the walking network from a synthetic street grid
  network import FILE.osm|FILE.osm.pbf
                      rebuild the walking network from the walkable ways of an OpenStreetMap extract
  generate [--seed N] [--scale S] [--out DIR --format geojson|csv [--kind K]]
                      (re)generate the synthetic demo layers (labelled synthetic), or write them to files
  tiles seed --layer L --max-zoom Z [--min-zoom Z0] [--dir DIR] [--expose-sensitive]
                      pre-render vector tiles into tiles/ (served first)
  users add --user NAME --password P --role admin|planner|supervisor|grid_manager|resident [--display-name N] [--grid-manager N]
                      create an account (a taken name is an error)
  users seed-demo [--password P] [--all-grid-managers]
                      demo accounts demo-admin, demo-planner, demo-supervisor, demo-resident, demo-grid-1..5 (idempotent);
                      --all-grid-managers: one account per grid manager in the data (minutes)
  users apikey --name N [--role device] [--user-id ID] [--sensors ID,ID,...]
                      create a device API key (bound to those sensors), printed once
  care rotate-key [--batch N]
                      re-encrypt the care registry's and delivery orders' personal fields to the active key
                      (Geo__CareRegistry__Keys__ID, Geo__CareRegistry__ActiveKeyId), in batches; resumable
  simulate [--sensors N] [--minutes M] [--interval S] [--devices D] [--url U] [--seed N]
                      device fleet on the public device API beside ./geo run: heartbeats, alarms, meters, dropouts
  bench NAME [ARGS]   run a side-by-side benchmark on a durable cluster:
                      ingest | api | tiles | isochrone | coverage | dispatch | readings | residents
                      | scale [--seconds S] [--concurrency C] (1 node vs 2 nodes + standby, through the gateway)
  migrate             apply EF Core migrations
  help [COMMAND]      this text, or one command's

environment:
  GEO_DB        connection string of an existing PostGIS to use instead of the private cluster
  GEO_PORT      web port (default 5080)      GEO_PG_PORT  private cluster port (default 55432)
  GEO_PGDIR     private cluster directory (default .pgdata, or /var/tmp/geo-pg-* when user postgres
                cannot reach the checkout)
  GEO_CONFIG    build configuration the commands build and run (default Release; test always uses Debug)
  GEO_NO_BUILD  1: do not build, run the binaries already built for GEO_CONFIG (the smoke tests use this)
  GEO_STATE     directory for pids and logs (default .geo)
  GEO_LOG_FORMAT  simple | json: the web host's console logs (default: simple on a terminal, json otherwise)
  GEO_BENCH_DB  database a benchmark may fill (default geo_bench on the private cluster; required with GEO_DB)
  GEO_TEST_RESULTS  test results directory of ./geo test (default TestResults)
EOF
}

# help_for WORD [WORD]: the entries of usage() for a command ("users") or a sub-command ("users add")
help_for() {
  usage | awk -v want="$*" '
    /^  [a-z]/ { line = substr($0, 3); n = length(want)
                 on = substr(line, 1, n) == want && (length(line) == n || substr(line, n + 1, 1) == " ")
                 if (on) print (found++ ? "       ./geo " : "usage: ./geo ") line
                 next }
    /^      / { if (on) print; next }
    { on = 0 }
    END { exit found ? 0 : 1 }'
}

# ./geo COMMAND [SUB] ... --help (or ./geo help COMMAND [SUB]): that usage, without a build or a database
command_help() {
  [ -n "${1:-}" ] || { usage; return 0; }
  case "${2:-}" in [a-z]*) help_for "$1" "$2" && return 0 ;; esac
  help_for "$1" && return 0
  usage >&2
  bad "unknown command '$1'"
}

# -h or --help among the arguments (before a `--`)
wants_help() {
  local a
  for a in "$@"; do
    case "$a" in -h|--help) return 0 ;; --) return 1 ;; esac
  done
  return 1
}

version() {
  local commit
  commit="$(git -C "$ROOT" rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  if [ "$commit" != unknown ] && ! git -C "$ROOT" diff --quiet HEAD -- 2>/dev/null; then commit="$commit, with uncommitted changes"; fi
  echo "geo $GEO_VERSION (commit $commit)"
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
    export GEO_PRIMARY_PGDIR="$dir"   # the topology launcher makes its standby from this cluster (./geo run --replica)
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

# the run database made ready for the web host: migrated, base layers, walking network, care demo (each idempotent)
prepare_run_db() {
  ingest_cli migrate
  ingest_cli load-base
  ingest_cli network ensure
  care_key_env
  ingest_cli care demo
}

# the web host's console logs: GEO_LOG_FORMAT=simple|json, by default readable lines on a terminal and one JSON object
# per line otherwise (for a collector); Hardening__JsonLogs, when set, is the host's own setting and wins
log_format_env() {
  local f="${GEO_LOG_FORMAT:-}"
  [ -n "$f" ] || { if [ -t 1 ]; then f=simple; else f=json; fi; }
  case "$f" in
    json) export Hardening__JsonLogs="${Hardening__JsonLogs:-true}" ;;
    simple)  # the console logger's own settings stay the user's (Logging__Console__FormatterName=json, ...)
      export Hardening__JsonLogs="${Hardening__JsonLogs:-false}"
      export Logging__Console__FormatterName="${Logging__Console__FormatterName:-simple}"
      export Logging__Console__FormatterOptions__SingleLine="${Logging__Console__FormatterOptions__SingleLine:-true}"
      export Logging__Console__FormatterOptions__TimestampFormat="${Logging__Console__FormatterOptions__TimestampFormat:-HH:mm:ss }" ;;
    *) die "GEO_LOG_FORMAT is simple or json, not '$f'" ;;
  esac
}

running() {  # a web host or a topology this state directory started is alive
  local f
  for f in "$STATE/web.pid" "$STATE/topology"; do
    [ -f "$f" ] && kill -0 "$(awk '{print $NF; exit}' "$f")" 2>/dev/null && return 0
  done
  return 1
}

# ---------------------------------------------------------------- commands
cmd_run() {
  [ $# -eq 0 ] || { cmd_run_scaled "$@"; return; }
  mkdir -p "$STATE"
  if running; then
    say "Geo is already running at $(cat "$STATE/web.url" 2>/dev/null || echo "http://127.0.0.1:$GEO_PORT")"
    say "stop it with ./geo stop"
    exit 1
  fi
  log_format_env
  bootstrap_run_db
  build
  prepare_run_db
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

# ./geo run --nodes N [--replica]: the topology launcher (Geo.Ingest topology up) starts the standby, the nodes and the
# gateway, and stops them on Ctrl-C or ./geo stop; options are checked before anything starts
cmd_run_scaled() {
  mkdir -p "$STATE"
  build
  # only the private cluster can be given a standby (bootstrap_run_db exports the same directory again)
  if [ -n "${GEO_DB:-}" ]; then unset GEO_PRIMARY_PGDIR; else export GEO_PRIMARY_PGDIR="${GEO_PGDIR:-$(pg_dir_default)}"; fi
  dotnet "$(dll Geo.Ingest)" topology up --check "$@" || exit $?
  running && die "Geo is already running; stop it with ./geo stop"
  bootstrap_run_db
  prepare_run_db
  GEO_STATE="$STATE" exec dotnet "$(dll Geo.Ingest)" topology up "$@"
}

cmd_stop() {
  [ $# -eq 0 ] || usage_error stop "unknown option '$1' for stop"
  if [ -f "$STATE/topology" ] && [ -f "$(dll Geo.Ingest)" ]; then
    # the launcher stops its gateway, nodes and standby (and whatever a killed launcher left)
    GEO_STATE="$STATE" dotnet "$(dll Geo.Ingest)" topology down || true
  elif [ -f "$STATE/topology" ]; then
    awk '$1 != "standby" {print $2}' "$STATE/topology" | xargs -r kill 2>/dev/null || true
    rm -f "$STATE/topology"
  fi
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
  # CI reads the last line: a build that fails still ends with it
  (CONFIG=Debug build) || { echo "0 passed, 1 failed"; exit 1; }
  CONFIG=Debug
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
  # every test that did not pass with its message, then 'N passed, N failed' (Geo.Ingest test-summary); should the
  # summarizer fail, the counters straight from the TRX file
  local trx="$results/geo.trx"
  if [ ! -f "$trx" ]; then
    echo "0 passed, 1 failed"
  elif ! dotnet "$(dll Geo.Ingest)" test-summary "$trx"; then
    local counts passed failed
    counts="$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)"
    passed="$(grep -o ' passed="[0-9]*"' <<<"$counts" | tr -dc 0-9)"
    failed="$(grep -o ' failed="[0-9]*"' <<<"$counts" | tr -dc 0-9)"
    echo "${passed:-0} passed, $(( ${failed:-0} + 0 )) failed"
  fi
  set -e
  return $rc
}

BENCHES="ingest | api | tiles | isochrone | coverage | dispatch | readings | residents | scale"
cmd_bench() {
  [ $# -ge 1 ] || usage_error bench "bench needs a NAME: $BENCHES"
  case "$1" in
    ingest|ingest-parse|api|tiles|isochrone|coverage|dispatch|readings|residents) ;;
    scale) shift; bench_scale "$@"; return ;;  # its own topologies on the run database
    *) usage_error bench "unknown benchmark '$1' (NAME: $BENCHES)" ;;
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

# ./geo bench scale: Geo.Bench starts each topology (1 node; 2 nodes + standby) with the same launcher as ./geo run --nodes
bench_scale() {
  [ -z "${GEO_DB:-}" ] || die "bench scale runs the private cluster and its standby: unset GEO_DB"
  mkdir -p "$STATE"
  running && die "Geo is running on GEO_PORT; stop it with ./geo stop (the benchmark serves its gateway there)"
  bootstrap_run_db
  build
  prepare_run_db
  GEO_STATE="$STATE" dotnet "$(dll Geo.Bench)" scale "$@"
}

case "${1:-}" in
  -h|--help) usage; exit 0 ;;
  help) shift; if wants_help "$@"; then command_help help; else command_help "$@"; fi; exit $? ;;
  -V|--version) version; exit 0 ;;
  "") usage; exit 2 ;;
  -*) usage >&2; bad "unknown option '$1'" ;;
esac
if wants_help "${@:2}"; then command_help "$@"; exit $?; fi
case "$1" in
  run) shift; cmd_run "$@" ;;
  test) shift; cmd_test "$@" ;;
  stop) shift; cmd_stop "$@" ;;
  psql) shift; cmd_psql "$@" ;;
  bench) shift; cmd_bench "$@" ;;
  ingest|generate|migrate|load-base|network|tiles|users|care|simulate) cmd_cli "$@" ;;
  *) usage >&2; bad "unknown command '$1'" ;;
esac
