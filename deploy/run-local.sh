#!/usr/bin/env bash
# Start the several-server set-up of deploy/Procfile on this machine's loopback (the
# machine's PostgreSQL with a database of its own, two app servers, a task worker, nginx),
# run deploy/smoke.py through the proxy, and stop everything, whatever the outcome.
# Needs: PostgreSQL on 127.0.0.1:5432 (trust auth, user postgres), Debian's nginx, the
# project's .venv. Ports: SILKBRIDGE_PROXY_PORT (8780), app servers on the next two.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY="$ROOT/.venv/bin/python"

PROXY_PORT=${SILKBRIDGE_PROXY_PORT:-8780}
export SILKBRIDGE_WEB1_PORT=$((PROXY_PORT + 1)) SILKBRIDGE_WEB2_PORT=$((PROXY_PORT + 2))
RUN_DIR=$(mktemp -d /tmp/silkbridge-deploy.XXXXXX)
chmod 755 "$RUN_DIR"  # nginx's workers read static files and uploads from here
DB="silkbridge_deploy_$$"
PSQL=(psql -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 -qc)

honcho_pid=""
cleanup() {
  status=$?
  if [ -n "$honcho_pid" ]; then
    kill -TERM "$honcho_pid" 2>/dev/null || true  # honcho stops every process it started
    wait "$honcho_pid" 2>/dev/null || true
  fi
  "${PSQL[@]}" "DROP DATABASE IF EXISTS $DB WITH (FORCE)" >/dev/null 2>&1 || true
  if [ $status -ne 0 ] && [ -f "$RUN_DIR/honcho.log" ]; then
    echo "--- the processes' output (last 60 lines) ---"; tail -n 60 "$RUN_DIR/honcho.log"
    echo "--- nginx errors ---"; tail -n 20 "$RUN_DIR/nginx-error.log" 2>/dev/null || true
  fi
  rm -rf "$RUN_DIR"
  exit $status
}
trap cleanup EXIT INT TERM

command -v nginx >/dev/null || { echo "nginx is missing: apt-get install -y nginx"; exit 2; }
if ! pg_isready -q -h 127.0.0.1 -p 5432; then
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
fi
"${PSQL[@]}" "CREATE DATABASE $DB"

# One environment for every process, as on several hosts (docs/deployment.md).
export DJANGO_SETTINGS_MODULE=silkbridge.settings PYTHONPATH="$ROOT" PATH="$ROOT/.venv/bin:$PATH"
export DATABASE_URL="postgres://postgres@127.0.0.1:5432/$DB"
export SECRET_KEY="deploy-smoke-$(head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n')"
export ALLOWED_HOSTS="127.0.0.1,localhost"
export SILKBRIDGE_VAR_DIR="$RUN_DIR/var" SILKBRIDGE_MEDIA_ROOT="$RUN_DIR/media" SILKBRIDGE_SERVE_MEDIA=0
export SILKBRIDGE_TASKS=database SILKBRIDGE_NUM_PROXIES=1 SILKBRIDGE_CACHE=database
export SILKBRIDGE_MATCHING_DIR="$RUN_DIR/matching" SILKBRIDGE_EMBEDDER=fake  # the model is not what is tested here
export SILKBRIDGE_SITE_URL="http://127.0.0.1:$PROXY_PORT" SILKBRIDGE_RUN_DIR="$RUN_DIR"
mkdir -p "$SILKBRIDGE_MEDIA_ROOT"

echo "==> release steps: migrate, collectstatic, demo data"
"$PY" -m silkbridge migrate --noinput -v0
"$PY" -m silkbridge collectstatic --noinput -v0
"$PY" -m silkbridge seed-demo >/dev/null
sed -e "s|@RUN_DIR@|$RUN_DIR|g" -e "s|@PROXY_PORT@|$PROXY_PORT|g" \
    -e "s|@WEB1_PORT@|$SILKBRIDGE_WEB1_PORT|g" -e "s|@WEB2_PORT@|$SILKBRIDGE_WEB2_PORT|g" \
    -e "s|@STATIC_ROOT@|$SILKBRIDGE_VAR_DIR/static|g" -e "s|@MEDIA_ROOT@|$SILKBRIDGE_MEDIA_ROOT|g" \
    deploy/nginx.conf > "$RUN_DIR/nginx.conf"
nginx -t -p "$RUN_DIR" -c "$RUN_DIR/nginx.conf" 2>&1 | grep -v "^$" | tail -2

echo "==> starting deploy/Procfile (web1 :$SILKBRIDGE_WEB1_PORT, web2 :$SILKBRIDGE_WEB2_PORT, worker, proxy :$PROXY_PORT)"
.venv/bin/honcho -f deploy/Procfile -d "$ROOT" start > "$RUN_DIR/honcho.log" 2>&1 &
honcho_pid=$!

echo "==> smoke test through the proxy"
"$PY" deploy/smoke.py --proxy "http://127.0.0.1:$PROXY_PORT" \
  --web1 "http://127.0.0.1:$SILKBRIDGE_WEB1_PORT" --web2 "http://127.0.0.1:$SILKBRIDGE_WEB2_PORT"
echo "==> several-server smoke test passed"
