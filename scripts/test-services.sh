#!/usr/bin/env bash
# What the test suite needs, installed and running: `make test` runs this first.
#
# - Redis on REDIS_URL (default redis://127.0.0.1:6379/1): when nothing answers on a loopback
#   host/port, a local redis-server is started there (in memory, no persistence).
# - PostgreSQL when DATABASE_URL points to a local one: the cluster on that port is started, the
#   database and the unaccent extension are created.
# - Chromium at /usr/bin/chromium (Debian's chromium package) for the browser journeys.
# - nginx for the scale-out test (tests/deploy/test_scale_out.py).
# - wrk for the long-tail benchmark's own test (tests/bench/test_longtail.py).
#
# What is missing is installed with apt-get (one `apt-get update`, one `apt-get install`) when
# running as root; otherwise the script stops with one line saying what to install, and exits 1
# before any test runs. Running it again changes nothing: services it started are left running
# for the next run, and it says so. Nothing here skips a test: a service that cannot be provided
# stops the run.
#
# PARVIS_BOOTSTRAP_ROOT (tests only, default empty) stands for / when looking for the files the
# script checks by absolute path (/usr/bin/chromium, /usr/sbin/nginx, /usr/bin/wrk,
# /etc/postgresql).
set -euo pipefail

ROOT=${PARVIS_BOOTSTRAP_ROOT:-}
CHROMIUM=/usr/bin/chromium # where tests/browser/conftest.py looks for it
REDIS_URL=${REDIS_URL:-redis://127.0.0.1:6379/1}
DATABASE_URL=${DATABASE_URL:-}

say() { printf 'test-services: %s\n' "$*"; }
fail() {
  printf 'test-services: %s\n' "$*" >&2
  exit 1
}
have() { command -v "$1" >/dev/null 2>&1; }
is_loopback() { [[ -z $1 || $1 == localhost || $1 == ::1 || $1 == 127.* ]]; }

# parse_url URL: sets U_SCHEME U_USER U_PASS U_HOST U_PORT U_PATH (URL-encoded parts kept as is).
parse_url() {
  local re='^([A-Za-z0-9+.-]+)://(([^:@/]*)(:([^@/]*))?@)?(\[[^]/]*\]|[^:/?#]*)(:([0-9]*))?(/([^?#]*))?'
  U_SCHEME='' U_USER='' U_PASS='' U_HOST='' U_PORT='' U_PATH=''
  [[ $1 =~ $re ]] || return 1
  U_SCHEME=${BASH_REMATCH[1]} U_USER=${BASH_REMATCH[3]} U_PASS=${BASH_REMATCH[5]}
  U_HOST=${BASH_REMATCH[6]} U_PORT=${BASH_REMATCH[8]} U_PATH=${BASH_REMATCH[10]}
  U_HOST=${U_HOST#\[}
  U_HOST=${U_HOST%\]}
}

# Does a Redis answer on host port? (Any reply to PING counts: a server asking for a password
# is there.)
redis_answers() {
  # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
  timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2" && printf "PING\r\n" >&3 &&
    IFS= read -r -t 2 reply <&3 && [[ $reply == [+-]* ]]' _ "$1" "$2" 2>/dev/null
}

# Does something accept connections on host port (or on the local socket when host is empty)?
port_open() {
  if [[ -z $1 ]]; then
    [[ -S /var/run/postgresql/.s.PGSQL.$2 ]]
  else
    # shellcheck disable=SC2016 # $1 and $2 expand in the inner bash
    timeout 3 bash -c 'exec 3<>"/dev/tcp/$1/$2"' _ "$1" "$2" 2>/dev/null
  fi
}

nginx_path() {
  local path
  path=$(command -v nginx 2>/dev/null) && { echo "$path"; return; }
  for path in /usr/sbin/nginx /usr/local/sbin/nginx; do
    [[ -x $ROOT$path ]] && { echo "$ROOT$path"; return; }
  done
  return 1
}

wrk_path() {
  local path
  path=$(command -v wrk 2>/dev/null) && { echo "$path"; return; }
  [[ -x $ROOT/usr/bin/wrk ]] && { echo "$ROOT/usr/bin/wrk"; return; }
  return 1
}

# --- 1. What is there, what is missing (nothing is changed yet) -----------------------------------

packages=()
need() { [[ " ${packages[*]} " == *" $1 "* ]] || packages+=("$1"); }

# Redis
parse_url "$REDIS_URL" || fail "REDIS_URL is not a URL: $REDIS_URL"
redis_scheme=$U_SCHEME redis_host=${U_HOST:-127.0.0.1} redis_port=${U_PORT:-6379}
[[ $redis_host == localhost ]] && redis_host=127.0.0.1
start_redis=''
if [[ $redis_scheme == redis ]] && ! redis_answers "$redis_host" "$redis_port"; then
  is_loopback "$redis_host" ||
    fail "no Redis answers on $redis_host:$redis_port (REDIS_URL): start it, or point REDIS_URL to a loopback address"
  start_redis=1
  have redis-server || need redis-server
fi

# PostgreSQL, when DATABASE_URL points to a local one
pg=''
if [[ -n $DATABASE_URL ]]; then
  parse_url "$DATABASE_URL" || fail "DATABASE_URL is not a URL"
  if [[ $U_SCHEME =~ ^(postgres|postgresql|pgsql|postgis)$ ]] && is_loopback "$U_HOST"; then
    pg=1 pg_host=$U_HOST pg_port=${U_PORT:-5432} pg_user=${U_USER:-postgres}
    pg_pass=$(printf '%b' "${U_PASS//%/\\x}") # URL-decoded
    pg_db=${U_PATH:-postgres}
    [[ $pg_db =~ ^[A-Za-z0-9_-]+$ ]] || fail "unexpected database name in DATABASE_URL: $pg_db"
    if ! port_open "$pg_host" "$pg_port" && ! compgen -G "$ROOT/etc/postgresql/*/*/postgresql.conf" >/dev/null; then
      need postgresql
    elif ! have psql || ! have pg_isready; then
      need postgresql-client
    fi
    # The fault tests (tests/deploy/test_faults.py) run a cluster of their own: initdb, pg_ctl.
    compgen -G "$ROOT/usr/lib/postgresql/*/bin/initdb" >/dev/null || need postgresql
  fi
fi

# Chromium, nginx and wrk
[[ -x $ROOT$CHROMIUM ]] || need chromium
nginx_path >/dev/null || need nginx
wrk_path >/dev/null || need wrk

# --- 2. Install what is missing, or say what to install ------------------------------------------

installed=()
if ((${#packages[@]})); then
  if ! have apt-get; then
    fail "missing ${packages[*]} and no apt-get here: install them (Chromium at $CHROMIUM), then run make test again"
  fi
  if [[ $(id -u) != 0 ]]; then
    fail "missing ${packages[*]}: run 'sudo apt-get install ${packages[*]}' (not root, so not installed here), then make test again"
  fi
  say "installing ${packages[*]} with apt-get (once; Chromium takes a few minutes)"
  apt-get update -qq || fail "apt-get update failed (see above): install ${packages[*]} by hand"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
    "${packages[@]}" >/dev/null || fail "apt-get install ${packages[*]} failed (see above)"
  installed=("${packages[@]}")
  [[ -x $ROOT$CHROMIUM ]] || fail "chromium was installed but $CHROMIUM is missing"
  nginx_path >/dev/null || fail "nginx was installed but no nginx binary was found"
  wrk_path >/dev/null || fail "wrk was installed but no wrk binary was found"
fi

# --- 3. Start what is not running ---------------------------------------------------------------

started=()
if [[ -n $start_redis ]]; then
  redis_dir=${TMPDIR:-/tmp}/parvis-redis-$redis_port
  mkdir -p "$redis_dir"
  bind=$redis_host
  [[ $redis_host == 127.0.0.1 ]] && bind='127.0.0.1 -::1'
  # shellcheck disable=SC2086 # bind holds one or two addresses
  redis-server --daemonize yes --bind $bind --port "$redis_port" --save '' --appendonly no \
    --dir "$redis_dir" --logfile "$redis_dir/redis.log" >/dev/null
  for _ in $(seq 1 50); do redis_answers "$redis_host" "$redis_port" && break; sleep 0.2; done
  redis_answers "$redis_host" "$redis_port" ||
    fail "Redis did not start on $redis_host:$redis_port (see $redis_dir/redis.log)"
  say "started Redis on $redis_host:$redis_port, left running for the next run (stop it: redis-cli -p $redis_port shutdown)"
  started+=(Redis)
fi

if [[ -n $pg ]]; then
  pg_where=(-p "$pg_port")
  [[ -n $pg_host ]] && pg_where+=(-h "$pg_host")
  if ! pg_isready -q "${pg_where[@]}"; then
    cluster=$(pg_lsclusters --no-header 2>/dev/null | awk -v port="$pg_port" '$3 == port { print $1 " " $2; exit }')
    [[ -n $cluster ]] || fail "no PostgreSQL cluster is set up on port $pg_port (pg_lsclusters): create one, e.g. pg_createcluster"
    # shellcheck disable=SC2086 # version and name
    pg_ctlcluster --skip-systemctl-redirect $cluster start >/dev/null 2>&1 ||
      fail "PostgreSQL does not answer on port $pg_port and could not be started: run 'sudo pg_ctlcluster $cluster start'"
    for _ in $(seq 1 30); do pg_isready -q "${pg_where[@]}" && break; sleep 1; done
    pg_isready -q "${pg_where[@]}" || fail "PostgreSQL $cluster did not start on port $pg_port"
    say "started PostgreSQL $cluster on port $pg_port, left running for the next run (stop it: pg_ctlcluster $cluster stop)"
    started+=(PostgreSQL)
  fi
  # The database and the unaccent extension (full-text search), as the test user; as root, fall
  # back to the postgres system user (peer authentication on the local socket).
  psql_as_user() {
    PGPASSWORD=$pg_pass PGOPTIONS='-c client_min_messages=warning' \
      psql -X -q -t -A -v ON_ERROR_STOP=1 "${pg_where[@]}" -U "$pg_user" "$@"
  }
  psql_as_postgres() {
    (cd / && runuser -u postgres -- env PGOPTIONS='-c client_min_messages=warning' \
      psql -X -q -t -A -v ON_ERROR_STOP=1 -p "$pg_port" "$@")
  }
  psql=psql_as_user
  if ! psql_as_user -d postgres -c 'SELECT 1' >/dev/null 2>&1; then
    [[ $(id -u) == 0 ]] || fail "cannot connect to PostgreSQL as $pg_user on port $pg_port (DATABASE_URL)"
    psql=psql_as_postgres
  fi
  if [[ $($psql -d postgres -c "SELECT 1 FROM pg_database WHERE datname = '$pg_db'") != 1 ]]; then
    $psql -d postgres -c "CREATE DATABASE \"$pg_db\"" >/dev/null
    say "created the PostgreSQL database $pg_db"
  fi
  $psql -d "$pg_db" -c 'CREATE EXTENSION IF NOT EXISTS unaccent' >/dev/null
fi

# --- 4. One line for the run ----------------------------------------------------------------------

ready="Redis $redis_host:$redis_port"
[[ $redis_scheme == redis ]] || ready="Redis ($redis_scheme, not checked)"
[[ -n $pg ]] && ready+=", PostgreSQL ${pg_host:-socket}:$pg_port/$pg_db"
ready+=", Chromium $CHROMIUM, nginx $(nginx_path)"
if ((${#installed[@]} + ${#started[@]})); then
  say "ready: $ready (installed: ${installed[*]:-nothing}; started: ${started[*]:-nothing})"
else
  say "ready: $ready (nothing installed, nothing started)"
fi
