#!/usr/bin/env bash
# A PostgreSQL streaming read replica on one machine, and Parvis reading from it
# (docs/deployment.md, "Read replicas"). Debian/Ubuntu PostgreSQL packaging, run as root.
#
#   deploy/replica-demo.sh setup    create cluster 15/replica on port 5433: a physical standby
#                                   of 15/main (5432), by pg_basebackup, and start it
#   deploy/replica-demo.sh demo     lag figures, then a Parvis page served from the replica
#   deploy/replica-demo.sh stop     stop the standby (it keeps no slot: nothing piles up on
#                                   the primary); `start` starts it again
#   deploy/replica-demo.sh remove   drop the standby cluster
#
# DEMO_DB (default parvis_helper_replica) is migrated on the primary, and a demo member and
# event are written to it. PG_VERSION, PRIMARY_PORT, REPLICA_PORT, DEMO_PORT (gunicorn) and
# REDIS_URL may be overridden.
set -euo pipefail

PG_VERSION="${PG_VERSION:-15}"
PRIMARY_PORT="${PRIMARY_PORT:-5432}"
REPLICA_PORT="${REPLICA_PORT:-5433}"
DEMO_DB="${DEMO_DB:-parvis_helper_replica}"
DEMO_PORT="${DEMO_PORT:-8791}"
REDIS_URL="${REDIS_URL:-redis://127.0.0.1:6379/9}"
CLUSTER=replica
PROJECT="$(cd "$(dirname "$0")/.." && pwd)"
PY="$PROJECT/.venv/bin/python"
HBA="/etc/postgresql/$PG_VERSION/main/pg_hba.conf"
DATA="/var/lib/postgresql/$PG_VERSION/$CLUSTER"

primary() { psql -h 127.0.0.1 -p "$PRIMARY_PORT" -U postgres -X -At "$@"; }
replica() { psql -h 127.0.0.1 -p "$REPLICA_PORT" -U postgres -X -At "$@"; }

setup() {
  # 1. The primary accepts replication connections from loopback (wal_level=replica and
  #    max_wal_senders=10 are PostgreSQL's defaults). In production: a dedicated role with
  #    REPLICATION and a password (scram-sha-256), from the standby's address only.
  if ! grep -Eq '^host[[:space:]]+replication[[:space:]]' "$HBA"; then
    echo "host    replication     all             127.0.0.1/32            trust" >>"$HBA"
    pg_ctlcluster "$PG_VERSION" main reload
  fi
  echo "primary: wal_level=$(primary -c 'show wal_level'), max_wal_senders=$(primary -c 'show max_wal_senders')"
  # 2. A cluster for the standby (configuration in /etc/postgresql/$PG_VERSION/replica), its
  #    data directory replaced by a base backup of the primary; -R writes primary_conninfo
  #    and standby.signal, -X stream copies the WAL written meanwhile.
  if ! pg_lsclusters -h | awk '{print $2}' | grep -qx "$CLUSTER"; then
    pg_createcluster "$PG_VERSION" "$CLUSTER" -p "$REPLICA_PORT" >/dev/null
  fi
  # The standby admits its readers as the primary does (the application's database user).
  cp "$HBA" "/etc/postgresql/$PG_VERSION/$CLUSTER/pg_hba.conf"
  if [ ! -f "$DATA/standby.signal" ]; then
    pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop 2>/dev/null || true
    rm -rf "$DATA" && install -d -o postgres -g postgres -m 700 "$DATA"
    local started=$SECONDS
    su postgres -c "pg_basebackup -h 127.0.0.1 -p $PRIMARY_PORT -U postgres -D $DATA -R -X stream --checkpoint=fast --max-rate=${BASEBACKUP_RATE:-100M}"
    echo "base backup: $(du -sh "$DATA" | cut -f1) in $((SECONDS - started)) s"
  fi
  start
}

start() {
  pg_ctlcluster "$PG_VERSION" "$CLUSTER" start 2>/dev/null || true
  for _ in $(seq 50); do replica -c 'select 1' >/dev/null 2>&1 && break; sleep 0.2; done
  echo "standby on $REPLICA_PORT: in recovery = $(replica -c 'select pg_is_in_recovery()')"
}

status() {
  echo "-- on the primary: pg_stat_replication"
  primary -P pager=off -F ' | ' -c "select application_name, client_addr, state, sync_state,
    pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) as replay_bytes_behind,
    write_lag, flush_lag, replay_lag from pg_stat_replication"
  echo "-- on the standby"
  replica -P pager=off -F ' | ' -c "select pg_is_in_recovery() as in_recovery,
    pg_last_wal_receive_lsn() as received, pg_last_wal_replay_lsn() as replayed,
    now() - pg_last_xact_replay_timestamp() as since_last_replayed_commit"
}

demo() {
  status
  echo
  echo "-- a row written on the primary, polled on the standby (20 times)"
  "$PY" - "$PRIMARY_PORT" "$REPLICA_PORT" <<'PY'
import statistics, sys, time
import psycopg

primary_port, replica_port = sys.argv[1:3]
dsn = "host=127.0.0.1 user=postgres dbname=postgres port="
with psycopg.connect(dsn + primary_port, autocommit=True) as p, \
        psycopg.connect(dsn + replica_port, autocommit=True) as r:
    p.execute("create table if not exists parvis_replica_demo"
              " (id bigserial primary key, at timestamptz default clock_timestamp())")
    while r.execute("select to_regclass('parvis_replica_demo')").fetchone()[0] is None:
        time.sleep(0.01)
    delays, replay = [], []
    for _ in range(20):
        start = time.perf_counter()
        (row_id,) = p.execute("insert into parvis_replica_demo default values returning id").fetchone()
        polls = 0
        while not r.execute("select 1 from parvis_replica_demo where id = %s", [row_id]).fetchone():
            polls += 1
            time.sleep(0.0005)
        delays.append((time.perf_counter() - start) * 1000)
        (lag,) = r.execute("select extract(epoch from now() - pg_last_xact_replay_timestamp()) * 1000").fetchone()
        replay.append(float(lag))
        time.sleep(0.05)
    (behind,) = p.execute("select coalesce(max(pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)), 0)"
                          " from pg_stat_replication").fetchone()
    (replay_lag,) = p.execute("select max(replay_lag) from pg_stat_replication").fetchone()
    p.execute("drop table parvis_replica_demo")
    delays.sort()
    print(f"commit on primary -> row visible on standby: median {statistics.median(delays):.1f} ms,"
          f" max {delays[-1]:.1f} ms (20 rows, client-side, 0.5 ms polling)")
    print(f"standby now() - pg_last_xact_replay_timestamp() right after: median"
          f" {statistics.median(replay):.1f} ms")
    print(f"pg_stat_replication on the primary: replay_lag {replay_lag}, {behind} bytes behind")
PY
  echo
  echo "-- Parvis on $DEMO_DB: DATABASE_REPLICA_URL=postgres://postgres@127.0.0.1:$REPLICA_PORT/$DEMO_DB"
  primary -c "select 1 from pg_database where datname = '$DEMO_DB'" | grep -q 1 ||
    primary -c "create database $DEMO_DB"
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PRIMARY_PORT/$DEMO_DB"
  export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$REPLICA_PORT/$DEMO_DB"
  export REDIS_URL DEBUG=true PARVIS_PAGE_CACHE_SECONDS=0 PARVIS_STAFF_MFA_REQUIRED=false
  (cd "$PROJECT" && "$PY" manage.py migrate --noinput -v0)
  (cd "$PROJECT" && exec "$PY" -m gunicorn parvis.wsgi -b "127.0.0.1:$DEMO_PORT" -w 1 \
      --log-level warning) &
  DEMO_SERVER=$!
  trap 'kill "$DEMO_SERVER" 2>/dev/null; replica -c "select pg_wal_replay_resume()" >/dev/null 2>&1 || true' EXIT
  for _ in $(seq 100); do curl -fs -o /dev/null "http://127.0.0.1:$DEMO_PORT/sante/" && break; sleep 0.2; done

  # Replay paused on the standby: the primary moves on, the replica stays behind.
  replica -c "select pg_wal_replay_pause()" >/dev/null
  local title="Bal de la réplique $(date +%H%M%S)"
  local url
  url=$(cd "$PROJECT" && "$PY" manage.py shell -v0 -c "
import datetime as dt
from django.utils import timezone
from parvis.accounts.models import User
from parvis.agenda.models import Category, Event, EventStatus
from parvis.agenda.services import event_occurrences_sync
from parvis.territories.models import Territory, TerritoryKind
commune, _ = Territory.objects.get_or_create(kind=TerritoryKind.COMMUNE, code='60057',
    defaults={'name': 'Beauvais', 'slug': 'beauvais', 'population': 56000})
user = User.objects.filter(email='replica-demo@example.org').first() or User.objects.create_user(
    'replica-demo@example.org', None, first_name='Réplique', last_name='Démo',
    terms_accepted_at=timezone.now())
start = timezone.now() + dt.timedelta(days=3)
event = Event.objects.create(title='$title', description='Démonstration.', category=Category.objects.first(),
    start=start, end=start + dt.timedelta(hours=2), venue_name='Salle', address='1 rue',
    status=EventStatus.PUBLISHED, published_at=timezone.now(), created_by=user, commune=commune)
event_occurrences_sync(event=event)
print(event.get_absolute_url())
" | tail -1)
  sleep 1
  echo "replay paused; standby behind by: $(replica -c "select now() - pg_last_xact_replay_timestamp()")"
  show() { curl -fs "http://127.0.0.1:$DEMO_PORT$1" | grep -c "$title" || true; }
  echo "event page $url (not routed: primary): title found $(show "$url") time(s)"
  echo "/agenda/ (routed: replica, paused): title found $(show /agenda/) time(s)"
  echo "/agenda/flux.ics (routed: replica, paused): title found $(show /agenda/flux.ics) time(s)"
  replica -c "select pg_wal_replay_resume()" >/dev/null
  sleep 0.2
  echo "replay resumed; replayed up to the primary: $(replica -c "select pg_last_wal_replay_lsn() >= '$(primary -c 'select pg_current_wal_lsn()')'")"
  echo "/agenda/ (routed: replica, caught up): title found $(show /agenda/) time(s)"
  echo "/agenda/flux.ics (routed: replica, caught up): title found $(show /agenda/flux.ics) time(s)"
  status
}

case "${1:-}" in
  setup) setup ;;
  start) start ;;
  status) status ;;
  demo) demo ;;
  stop) pg_ctlcluster "$PG_VERSION" "$CLUSTER" stop ;;
  remove) pg_dropcluster "$PG_VERSION" "$CLUSTER" --stop ;;
  *) sed -n '2,14p' "$0"; exit 2 ;;
esac
