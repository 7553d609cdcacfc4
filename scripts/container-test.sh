#!/usr/bin/env bash
# Build the Dockerfile and run the image the way a Hugging Face Space does, then check it:
#   scripts/container-test.sh
#
#  - the image: runs as uid 1000, exposes 7860, has a HEALTHCHECK, trusts the proxy, no secrets
#    (.env, data/, .git, .venv) inside;
#  - run with no environment at all (as a Space does): health, HEAD /, scripts/smoke.sh, the
#    HEALTHCHECK command itself, X-Forwarded-Proto/-Host honoured, PID 1 is uid 1000, a clean stop;
#  - run again with PORT=8080;
#  - data and tokens survive a new container on the same volume mounted at /data (the first
#    one started with two workers at once on the empty volume);
#  - as the Helm chart runs it (deploy/helm/todo-api): uid 1000 on a read-only root with every
#    capability dropped, writable only /tmp and /data, AUTO_MIGRATE=false and JWT_SECRET set:
#    not ready (/readyz 503) until the init container's `python -m migrations upgrade --wait 300`
#    has run, then ready and smoke-tested.
# One line per step; exits non-zero on the first failure, with what the container said.
# Everything it creates (containers, image, volume) is removed on exit, failure included.
# Published ports are bound to 127.0.0.1 only.
#
# Engine: $DOCKER (default docker); when `docker info` fails and DOCKER is not set, the
# docker-compatible podman wrapper ../shared/tools/docker (relative to the repo root) is used.
# Exit status: 0 passed, 1 failed, 3 no container engine can run here.
# `check && check || fail ...` is if-then-else here: fail exits.
# shellcheck disable=SC2015
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT" || exit 1
SHIM=$ROOT/../shared/tools/docker
START=$(date +%s)
RUN_ID=$$-$RANDOM
IMAGE=todo-api-container-test:$RUN_ID
VOLUME=todo-api-container-test-$RUN_ID
CONTAINERS=()
WORK=$(mktemp -d)
STEP=0

elapsed() { echo "$(($(date +%s) - START))s"; }
ok() {
  STEP=$((STEP + 1))
  printf 'ok   %2d %s\n' "$STEP" "$*"
}
fail() {
  STEP=$((STEP + 1))
  printf 'FAIL %2d %s\n' "$STEP" "$*"
  for file in "${SHOW[@]}"; do
    [ -s "$file" ] && sed 's/^/  | /' "$file" | tail -n 60
  done
  exit 1
}
SHOW=()

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "${DOCKER:-}" ]; then
    for name in "${CONTAINERS[@]}"; do
      "$DOCKER" rm -f "$name" >/dev/null 2>&1
    done
    "$DOCKER" volume rm -f "$VOLUME" "$VOLUME-pod" >/dev/null 2>&1
    "$DOCKER" rmi -f "$IMAGE" >/dev/null 2>&1
  fi
  rm -rf "$WORK"
  if [ "$status" -eq 0 ]; then
    echo "container-test: passed in $(elapsed)"
  elif [ "$status" -eq 3 ]; then
    :
  else
    echo "container-test: FAILED (status $status) after $(elapsed); cleaned up"
  fi
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The engine ---------------------------------------------------------------------------------
if [ -n "${DOCKER:-}" ]; then
  if ! "$DOCKER" info >"$WORK/info" 2>&1; then
    SHOW=("$WORK/info")
    fail "engine: DOCKER=$DOCKER cannot run ('$DOCKER info' failed)"
  fi
elif docker info >/dev/null 2>&1; then
  DOCKER=docker
elif [ -x "$SHIM" ] && "$SHIM" info >"$WORK/info" 2>&1; then
  DOCKER=$SHIM
else
  echo "container-test: no container engine: 'docker info' fails and $SHIM cannot run (it needs root)"
  [ -s "$WORK/info" ] && tail -n 5 "$WORK/info"
  DOCKER=
  exit 3
fi
ok "engine: $DOCKER ($("$DOCKER" version --format '{{.Client.Version}}' 2>/dev/null || echo '?'))"

# Helpers ------------------------------------------------------------------------------------
# start NAME CONTAINER_PORT [run options...]: runs the image detached, publishes CONTAINER_PORT
# on a free 127.0.0.1 port and sets URL. No --user: the image's USER is what a Space uses.
start() {
  local name=$1 port=$2
  shift 2
  CONTAINERS+=("$name")
  if ! "$DOCKER" run -d --name "$name" -p "127.0.0.1::$port" "$@" "$IMAGE" >"$WORK/run" 2>&1; then
    SHOW=("$WORK/run")
    fail "run $name"
  fi
  local published
  published=$("$DOCKER" port "$name" "$port/tcp" 2>/dev/null | head -n 1)
  URL=http://${published/0.0.0.0/127.0.0.1}
  [[ $published == *:* ]] || fail "run $name: no published port for $port (got '$published')"
}

logs() { "$DOCKER" logs "$1" >"$WORK/$1.log" 2>&1; }

# wait_healthy NAME: GET /health answers 200 within 90 s.
wait_healthy() {
  local name=$1
  for _ in $(seq 180); do
    if curl -fsS --max-time 5 "$URL/health" >"$WORK/health" 2>/dev/null; then
      return 0
    fi
    if [ "$("$DOCKER" inspect --format '{{.State.Running}}' "$name" 2>/dev/null)" != true ]; then
      break
    fi
    sleep 0.5
  done
  logs "$name"
  SHOW=("$WORK/$name.log")
  fail "$name: /health did not answer 200 at $URL"
}

# json_field NAME FILE: the first value of "NAME" in a JSON body (enough for ids and tokens).
json_field() {
  awk '{ gsub(/[{},]/, "\n"); print }' <"$2" | sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*//p" | head -n 1 |
    sed -e 's/^"\(.*\)"$/\1/'
}

# api METHOD PATH [JSON] [TOKEN] [extra curl args...]: body in $WORK/body, status in $CODE.
api() {
  local method=$1 path=$2 data=${3:-} token=${4:-}
  shift $(($# < 4 ? $# : 4))
  local args=(-sS -X "$method" --max-time 30 -o "$WORK/body" -w '%{http_code}')
  [ -n "$data" ] && args+=(-H 'Content-Type: application/json' --data "$data")
  [ -n "$token" ] && args+=(-H "Authorization: Bearer $token")
  CODE=$(curl "${args[@]}" "$@" "$URL$path" 2>"$WORK/curl") || CODE=000
}

smoke() {
  local name=$1
  if ! SMOKE_WAIT=30 sh scripts/smoke.sh "$URL" >"$WORK/smoke" 2>&1; then
    logs "$name"
    SHOW=("$WORK/smoke" "$WORK/$name.log")
    fail "$name: scripts/smoke.sh $URL"
  fi
  ok "$name: scripts/smoke.sh $URL: $(grep -c '^ok' "$WORK/smoke") steps passed"
}

# stop NAME: SIGTERM stops it cleanly (exit 0, no traceback) well before the 10 s kill.
stop() {
  local name=$1 before
  before=$(date +%s)
  "$DOCKER" stop -t 10 "$name" >/dev/null 2>&1
  local took=$(($(date +%s) - before)) code
  code=$("$DOCKER" inspect --format '{{.State.ExitCode}}' "$name" 2>/dev/null)
  logs "$name"
  SHOW=("$WORK/$name.log")
  [ "$code" = 0 ] || fail "$name: stop: exit code $code after ${took}s (SIGTERM not handled?)"
  if grep -q 'Traceback' "$WORK/$name.log"; then fail "$name: a traceback in the logs"; fi
  ok "$name: stopped by SIGTERM in ${took}s, exit 0, no traceback in the logs"
}

# 1. Build ----------------------------------------------------------------------------------
before=$(date +%s)
if ! "$DOCKER" build -t "$IMAGE" . >"$WORK/build" 2>&1; then
  SHOW=("$WORK/build")
  fail "build $IMAGE"
fi
ok "build $IMAGE in $(($(date +%s) - before))s"

user=$("$DOCKER" image inspect --format '{{.Config.User}}' "$IMAGE")
ports=$("$DOCKER" image inspect --format '{{json .Config.ExposedPorts}}' "$IMAGE")
env=$("$DOCKER" image inspect --format '{{range .Config.Env}}{{.}}{{"\n"}}{{end}}' "$IMAGE")
[[ $user == 1000 || $user == 1000:* || $user == user ]] || fail "image: USER is '$user', expected 1000"
[[ $ports == *'"7860/tcp"'* ]] || fail "image: does not expose 7860 ($ports)"
grep -qx 'FORWARDED_ALLOW_IPS=\*' <<<"$env" || fail "image: FORWARDED_ALLOW_IPS=* is not set"
if grep -E '^[A-Z_]*(SECRET|PASSWORD|TOKEN|DATABASE_URL)[A-Z_]*=.' <<<"$env"; then
  fail "image: a secret in the image's environment"
fi
ok "image: USER $user, EXPOSE 7860, FORWARDED_ALLOW_IPS=*, no secret in ENV"

# shellcheck disable=SC2016 # expanded by the container's shell
if ! "$DOCKER" run --rm "$IMAGE" sh -c '
    for f in .env data .git .venv tests; do [ ! -e "$f" ] || { echo "$f is in the image"; exit 1; }; done
    [ "$(stat -c %u /data)" = 1000 ] || { echo "/data is not owned by uid 1000"; exit 1; }
    [ -z "$(find . -name .jwt_secret -o -name "*.db" | head -n 1)" ] || { echo "stray files"; exit 1; }
    ls __pycache__/router.*.pyc >/dev/null 2>&1 || { echo "the app is not compiled into the image"; exit 1; }
    ' >"$WORK/contents" 2>&1; then
  SHOW=("$WORK/contents")
  fail "image contents"
fi
ok "image: no .env, data/, .git, .venv, tests, secret or database inside; app compiled; /data owned by uid 1000"

# 2. As a Space runs it: no environment at all ---------------------------------------------------
start plain-$RUN_ID 7860
wait_healthy plain-$RUN_ID
ok "plain-$RUN_ID (no environment): /health 200 at $URL: $(cat "$WORK/health")"

# shellcheck disable=SC2016 # an awk program
pid1_uid=$("$DOCKER" exec "plain-$RUN_ID" awk '/^Uid:/ {print $2}' /proc/1/status 2>&1)
exec_uid=$("$DOCKER" exec "plain-$RUN_ID" id -u 2>&1)
[ "$pid1_uid" = 1000 ] && [ "$exec_uid" = 1000 ] ||
  fail "plain-$RUN_ID: runs as uid '$pid1_uid' (exec: '$exec_uid'), expected 1000"
"$DOCKER" exec "plain-$RUN_ID" test -s /data/todo.db -a -s /data/.jwt_secret ||
  fail "plain-$RUN_ID: no /data/todo.db or /data/.jwt_secret (DATA_DIR should default to /data)"
ok "plain-$RUN_ID: PID 1 runs as uid 1000; SQLite in /data/todo.db"

mapfile -t check < <("$DOCKER" inspect --format '{{range slice .Config.Healthcheck.Test 1}}{{.}}{{"\n"}}{{end}}' "plain-$RUN_ID")
if [ "${#check[@]}" -lt 1 ] || ! "$DOCKER" exec "plain-$RUN_ID" "${check[@]}" >"$WORK/hc" 2>&1; then
  SHOW=("$WORK/hc")
  fail "plain-$RUN_ID: the image's HEALTHCHECK command fails (${check[*]})"
fi
ok "plain-$RUN_ID: the HEALTHCHECK command passes inside the container"

smoke "plain-$RUN_ID"

# Behind the Space's proxy: https and the public host in the URLs the API returns.
api POST /api/auth/signup "{\"email\":\"proxy-$RUN_ID@example.com\",\"password\":\"proxy-password-1\"}"
[ "$CODE" = 201 ] || { SHOW=("$WORK/body"); fail "proxy check: sign up answered $CODE"; }
token=$(json_field access_token "$WORK/body")
api POST /api/tasks '{"title":"behind a proxy"}' "$token" \
  -H 'X-Forwarded-Proto: https' -H 'X-Forwarded-Host: owner-space.hf.space' -H 'X-Forwarded-For: 203.0.113.7'
task_url=$(json_field url "$WORK/body")
[ "$CODE" = 201 ] && [[ $task_url == https://owner-space.hf.space/api/tasks/* ]] ||
  { SHOW=("$WORK/body"); fail "proxy check: task url is '$task_url' (HTTP $CODE), expected https://owner-space.hf.space/api/tasks/..."; }
ok "plain-$RUN_ID: X-Forwarded-Proto/-Host honoured: $task_url"

stop "plain-$RUN_ID"

# 3. PORT=8080 -------------------------------------------------------------------------------------
start port-$RUN_ID 8080 -e PORT=8080
wait_healthy port-$RUN_ID
ok "port-$RUN_ID (PORT=8080): /health 200 at $URL"
smoke "port-$RUN_ID"
stop "port-$RUN_ID"

# 4. Data and tokens survive a new container on the same volume --------------------------------------
"$DOCKER" volume create "$VOLUME" >/dev/null 2>"$WORK/volume" || { SHOW=("$WORK/volume"); fail "volume create"; }
start first-$RUN_ID 7860 -v "$VOLUME:/data" -e WEB_CONCURRENCY=2
wait_healthy first-$RUN_ID
email=keep-$RUN_ID@example.com
api POST /api/auth/signup "{\"email\":\"$email\",\"password\":\"keep-password-1\"}"
[ "$CODE" = 201 ] || { SHOW=("$WORK/body"); fail "first-$RUN_ID: sign up answered $CODE"; }
token=$(json_field access_token "$WORK/body")
api POST /api/tasks '{"title":"survives a restart"}' "$token"
task_id=$(json_field id "$WORK/body")
[ "$CODE" = 201 ] && [ -n "$task_id" ] || { SHOW=("$WORK/body"); fail "first-$RUN_ID: create answered $CODE"; }
ok "first-$RUN_ID (volume $VOLUME at /data, WEB_CONCURRENCY=2): user $email, task $task_id"
stop "first-$RUN_ID"

start second-$RUN_ID 7860 -v "$VOLUME:/data"
wait_healthy second-$RUN_ID
api GET "/api/tasks/$task_id" "" "$token"
[ "$CODE" = 200 ] && grep -q 'survives a restart' "$WORK/body" ||
  { SHOW=("$WORK/body"); fail "second-$RUN_ID: the old token and task: HTTP $CODE"; }
api POST /api/auth/login "{\"email\":\"$email\",\"password\":\"keep-password-1\"}"
[ "$CODE" = 200 ] || { SHOW=("$WORK/body"); fail "second-$RUN_ID: log in answered $CODE"; }
ok "second-$RUN_ID (same volume, new container): the old token still works, task $task_id is there, log in works"
stop "second-$RUN_ID"

# 5. As the Helm chart runs it ------------------------------------------------------------------------
# The pod's security context and volumes (deploy/helm/todo-api/templates/deployment.yaml): uid
# 1000, a read-only root, no capability, no privilege to gain; /tmp and /data are its volumes.
# SQLite on /data stands in for the chart's PostgreSQL (no other image can be had here).
"$DOCKER" volume create "$VOLUME-pod" >/dev/null 2>"$WORK/volume" || { SHOW=("$WORK/volume"); fail "volume create"; }
pod=(--read-only --tmpfs /tmp --user 1000:1000 --cap-drop ALL --security-opt no-new-privileges
  -v "$VOLUME-pod:/data" -e DATA_DIR=/data -e DATABASE_URL=sqlite:////data/todo.db
  -e JWT_SECRET="chart-test-secret-$RUN_ID-of-at-least-32-bytes" -e AUTO_MIGRATE=false)
# Without its init container, the API serves (/livez) but is not ready: AUTO_MIGRATE=false.
start unmigrated-$RUN_ID 7860 "${pod[@]}"
wait_healthy unmigrated-$RUN_ID
code=$(curl -sS --max-time 5 -o "$WORK/readyz" -w '%{http_code}' "$URL/readyz" 2>&1)
[ "$code" = 503 ] && grep -q '"migrations":"pending: 001_' "$WORK/readyz" ||
  { SHOW=("$WORK/readyz"); fail "unmigrated-$RUN_ID: /readyz answered $code, expected 503 with migrations pending"; }
ok "unmigrated-$RUN_ID (AUTO_MIGRATE=false, no init container): /readyz 503 $(cut -c1-60 "$WORK/readyz")..."
stop "unmigrated-$RUN_ID"
if ! "$DOCKER" run --rm "${pod[@]}" "$IMAGE" python -m migrations upgrade --wait 300 >"$WORK/migrate" 2>&1 ||
  ! grep -q '^applied [1-9][0-9]* migration(s)' "$WORK/migrate"; then
  SHOW=("$WORK/migrate")
  fail "chart-$RUN_ID: the init container's python -m migrations upgrade --wait 300"
fi
ok "chart-$RUN_ID: the init container's command on a read-only root: $(grep '^applied' "$WORK/migrate" | cut -c1-40)..."
start chart-$RUN_ID 7860 "${pod[@]}"
wait_healthy chart-$RUN_ID
curl -fsS --max-time 5 "$URL/readyz" >"$WORK/readyz" 2>&1 && curl -fsS --max-time 5 "$URL/livez" >/dev/null 2>&1 ||
  { logs "chart-$RUN_ID"; SHOW=("$WORK/readyz" "$WORK/chart-$RUN_ID.log"); fail "chart-$RUN_ID: /readyz or /livez"; }
ok "chart-$RUN_ID (read-only root, uid 1000, no capability): /readyz $(cat "$WORK/readyz"), /livez 200"
smoke "chart-$RUN_ID"
# shellcheck disable=SC2016 # expanded by the container's shell
if ! "$DOCKER" exec "chart-$RUN_ID" sh -c '
    [ "$(id -u):$(id -g)" = 1000:1000 ] || { echo "runs as $(id -u):$(id -g)"; exit 1; }
    ! touch /home/user/app/x 2>/dev/null || { echo "the root file system is writable"; exit 1; }
    [ ! -e /data/.jwt_secret ] || { echo "a secret was generated although JWT_SECRET is set"; exit 1; }
    ' >"$WORK/pod" 2>&1; then
  SHOW=("$WORK/pod")
  fail "chart-$RUN_ID: inside the container"
fi
ok "chart-$RUN_ID: uid 1000:1000, root file system read-only, no generated secret"
stop "chart-$RUN_ID"
