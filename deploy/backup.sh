#!/usr/bin/env bash
# Back up Parvis: the PostgreSQL database (pg_dump, custom format) and the uploaded media
# (a tar archive of MEDIA_ROOT), into a new time-stamped directory with SHA-256 checksums.
#
#   deploy/backup.sh [DESTINATION]          (default: $PARVIS_BACKUP_DIR or ./backups)
#
# Reads DATABASE_URL and MEDIA_ROOT from the environment, or from the file named by
# PARVIS_ENV_FILE (e.g. /etc/parvis/parvis.env). Safe to run while the site is up: pg_dump
# takes a consistent snapshot. Prints the path of the new backup on its last line.
set -euo pipefail

if [ -n "${PARVIS_ENV_FILE:-}" ]; then
  set -a; . "$PARVIS_ENV_FILE"; set +a
fi
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://*|postgresql://*) ;;
  *) echo "backup.sh backs up PostgreSQL only (DATABASE_URL=$DATABASE_URL)" >&2; exit 2 ;;
esac
media_storage="${MEDIA_STORAGE:-filesystem}"
media_root="${MEDIA_ROOT:-${PARVIS_VAR_DIR:-$(cd "$(dirname "$0")/.." && pwd)/var}/media}"

destination="${1:-${PARVIS_BACKUP_DIR:-./backups}}"
target="$destination/parvis-$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$target"
umask 077

echo "Database → $target/database.dump" >&2
pg_dump --format=custom --no-owner --no-privileges --dbname="$DATABASE_URL" \
  --file="$target/database.dump"

if [ "$media_storage" = "filesystem" ]; then
  echo "Media ($media_root) → $target/media.tar.gz" >&2
  mkdir -p "$media_root"
  tar -C "$media_root" -czf "$target/media.tar.gz" .
else
  echo "Media are in object storage (MEDIA_STORAGE=$media_storage): back them up with the" \
       "bucket's versioning or replication (see docs/deployment.md)." >&2
fi

{
  echo "created=$(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "pg_dump=$(pg_dump --version)"
  echo "media_storage=$media_storage"
  git -C "$(dirname "$0")/.." rev-parse HEAD 2>/dev/null | sed 's/^/revision=/' || true
} > "$target/MANIFEST"
(cd "$target" && sha256sum -- * > SHA256SUMS)
echo "$target"
