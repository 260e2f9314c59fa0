#!/usr/bin/env bash
# Run a Django management command with the production environment of /etc/parvis/parvis.env
# (or $PARVIS_ENV_FILE), as the parvis user when started by root.
#   deploy/manage.sh migrate --noinput
set -euo pipefail
project="$(cd "$(dirname "$0")/.." && pwd)"
env_file="${PARVIS_ENV_FILE:-/etc/parvis/parvis.env}"
[ -r "$env_file" ] || { echo "Cannot read $env_file (set PARVIS_ENV_FILE)" >&2; exit 2; }
set -a; . "$env_file"; set +a
cd "$project"
if [ "$(id -u)" = "0" ] && id parvis >/dev/null 2>&1; then
  exec runuser -u parvis --preserve-environment -- "$project/.venv/bin/python" manage.py "$@"
fi
exec "$project/.venv/bin/python" manage.py "$@"
