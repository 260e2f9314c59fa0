#!/usr/bin/env bash
# Restore a Parvis backup made by deploy/backup.sh: checks the checksums, replaces the database
# contents with the dump and MEDIA_ROOT with the archived media, then applies any newer
# migrations. Stop the web and worker services first; start them again afterwards.
#
#   deploy/restore.sh BACKUP_DIRECTORY [--yes]
#
# Reads DATABASE_URL and MEDIA_ROOT like backup.sh. Without --yes it asks for confirmation.
set -euo pipefail

backup="${1:?usage: restore.sh BACKUP_DIRECTORY [--yes]}"
confirm="${2:-}"
if [ -n "${PARVIS_ENV_FILE:-}" ]; then
  set -a; . "$PARVIS_ENV_FILE"; set +a
fi
: "${DATABASE_URL:?DATABASE_URL must point to the PostgreSQL database to restore into}"
project="$(cd "$(dirname "$0")/.." && pwd)"
media_storage="${MEDIA_STORAGE:-filesystem}"
media_root="${MEDIA_ROOT:-${PARVIS_VAR_DIR:-$project/var}/media}"
python="${PARVIS_PYTHON:-$project/.venv/bin/python}"

[ -f "$backup/database.dump" ] || { echo "No database.dump in $backup" >&2; exit 2; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) \
  || { echo "Checksums do not match: the backup in $backup is damaged." >&2; exit 2; }

if [ "$confirm" != "--yes" ]; then
  read -r -p "Replace the database and media with the backup $backup? [y/N] " answer
  [ "$answer" = "y" ] || [ "$answer" = "Y" ] || { echo "Nothing restored." >&2; exit 1; }
fi

echo "Database ← $backup/database.dump" >&2
pg_restore --clean --if-exists --no-owner --no-privileges --single-transaction \
  --exit-on-error --dbname="$DATABASE_URL" "$backup/database.dump"

if [ "$media_storage" = "filesystem" ] && [ -f "$backup/media.tar.gz" ]; then
  echo "Media ← $backup/media.tar.gz into $media_root" >&2
  mkdir -p "$media_root"
  staging="$(mktemp -d "$media_root.restore.XXXXXX")"
  chmod 755 "$staging"
  tar -C "$staging" -xzf "$backup/media.tar.gz"
  previous="$media_root.before-restore"
  rm -rf "$previous"
  mv "$media_root" "$previous"
  mv "$staging" "$media_root"
  rm -rf "$previous"
fi

echo "Migrations (a backup from an older release is brought up to date)" >&2
(cd "$project" && "$python" manage.py migrate --noinput)
# Pages cached before the restore show what the restored database no longer holds.
(cd "$project" && "$python" manage.py clear_page_cache)
echo "Restored $backup"
