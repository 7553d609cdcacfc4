#!/bin/sh
# Smoke test of a running todo-api: scripts/smoke.sh BASE_URL
#
#   scripts/smoke.sh http://localhost:7860              # make run, docker run, docker compose
#   scripts/smoke.sh https://<owner>-<space>.hf.space   # a live Hugging Face Space
#
# Walks the contract once with two fresh users (random e-mail addresses): readiness (HEAD /),
# health, sign up, log in, create, list (both route shapes), get, update (PATCH), complete,
# another user gets 404 on the first user's task, delete, no token gets 401, and both users
# delete their accounts (nothing is left on a live Space). One line per step;
# stops at the first failure with the response and exits 1 (2 for a usage error).
# Needs only POSIX sh and tools, and curl.
#
# Environment: SMOKE_WAIT  seconds to wait for the service to come up (default 60: a Space or
#                          a container may still be starting)
#              SMOKE_TIMEOUT  seconds per request (default 30)
set -u

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 BASE_URL   (e.g. http://localhost:7860 or https://owner-space.hf.space)" >&2
  exit 2
fi
BASE=${1%/}
case $BASE in
  http://* | https://*) ;;
  *) echo "smoke: BASE_URL must start with http:// or https:// (got '$1')" >&2; exit 2 ;;
esac
command -v curl >/dev/null 2>&1 || { echo "smoke: curl is required" >&2; exit 2; }

WAIT=${SMOKE_WAIT:-60}
TIMEOUT=${SMOKE_TIMEOUT:-30}
WORK=$(mktemp -d "${TMPDIR:-/tmp}/smoke.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
BODY=$WORK/body
HEADERS=$WORK/headers
STATUS=000
STEP=0
PASSWORD=smoke-test-password-1

random_hex() {
  od -An -N8 -tx1 /dev/urandom 2>/dev/null | tr -d ' \n'
}
SUFFIX=$(random_hex)
[ -n "$SUFFIX" ] || SUFFIX=$(date +%s)$$

ok() {
  STEP=$((STEP + 1))
  printf 'ok   %2d %s\n' "$STEP" "$1"
}

fail() {
  STEP=$((STEP + 1))
  printf 'FAIL %2d %s\n' "$STEP" "$1"
  if [ -s "$HEADERS" ]; then
    printf '  response: %s\n' "$(head -n 1 "$HEADERS" | tr -d '\r')"
  fi
  if [ -s "$BODY" ]; then
    printf '  body: %s\n' "$(dd if="$BODY" bs=2000 count=1 2>/dev/null)"
  fi
  exit 1
}

# request METHOD PATH [JSON_BODY] [TOKEN]: sets STATUS, leaves the body in $BODY and the
# response headers in $HEADERS. STATUS is 000 when the service cannot be reached.
request() {
  method=$1 path=$2 data=${3:-} token=${4:-}
  set -- -sS -X "$method" --max-time "$TIMEOUT" -o "$BODY" -D "$HEADERS" -w '%{http_code}' \
    -H 'Accept: application/json'
  if [ -n "$data" ]; then
    set -- "$@" -H 'Content-Type: application/json' --data "$data"
  fi
  if [ -n "$token" ]; then
    set -- "$@" -H "Authorization: Bearer $token"
  fi
  : >"$BODY"
  : >"$HEADERS"
  STATUS=$(curl "$@" "$BASE$path" 2>"$WORK/curl-error") || true
  [ -n "$STATUS" ] || STATUS=000
  if [ "$STATUS" = 000 ] && [ -s "$WORK/curl-error" ]; then
    cp "$WORK/curl-error" "$BODY"
  fi
}

# expect STATUS DESCRIPTION: the last request answered STATUS, else the step fails.
expect() {
  if [ "$STATUS" != "$1" ]; then
    fail "$2: expected HTTP $1, got $STATUS ($METHOD_PATH)"
  fi
}

# call METHOD PATH [JSON] [TOKEN] EXPECTED DESCRIPTION
call() {
  METHOD_PATH="$1 $2"
  request "$1" "$2" "$3" "$4"
  expect "$5" "$6"
}

# field NAME: the first value of "NAME" in the last JSON body (strings without their quotes).
# Good enough for the flat values this script reads: ids, tokens, booleans, plain titles.
field() {
  awk '{ gsub(/[{},]/, "\n"); print }' <"$BODY" |
    sed -n "s/^[[:space:]]*\"$1\"[[:space:]]*:[[:space:]]*//p" |
    head -n 1 |
    sed -e 's/^"\(.*\)"$/\1/' -e 's/[[:space:]]*$//'
}

body_has() {
  tr -d ' \n\r\t' <"$BODY" | grep -q -- "$1"
}

# header NAME: the value of that response header of the last request (case-insensitive name).
header() {
  tr -d '\r' <"$HEADERS" | awk -v name="$1" '
    index($0, ":") > 1 && tolower(substr($0, 1, index($0, ":") - 1)) == tolower(name) {
      value = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", value); print value; exit
    }'
}

# 1. The service is up: HEAD / answers 200 (what a Space's probe needs), waiting up to $WAIT s.
deadline=$(($(date +%s) + WAIT))
while :; do
  METHOD_PATH="HEAD /"
  : >"$BODY"
  STATUS=$(curl -sS -I --max-time "$TIMEOUT" -o "$HEADERS" -w '%{http_code}' "$BASE/" 2>"$BODY") || true
  [ -n "$STATUS" ] || STATUS=000
  case $STATUS in
    000 | 502 | 503 | 504) [ "$(date +%s)" -lt "$deadline" ] && { sleep 1; continue; } ;;
  esac
  break
done
expect 200 "HEAD / (a Space stays 'Starting' unless it is 200)"
ok "HEAD / 200 at $BASE"

call GET /health "" "" 200 "health"
body_has '"status":"ok"' || fail "health: status is not ok"
ok "health: $(tr -d '\n' <"$BODY")"

EMAIL=smoke-$SUFFIX@example.com
call POST /api/auth/signup "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "" 201 "sign up $EMAIL"
USER_ID=$(field id)
if [ -z "$(field access_token)" ] || [ -z "$USER_ID" ]; then fail "sign up: no access_token or user id"; fi
ok "sign up $EMAIL (user $USER_ID)"

call POST /api/auth/login "{\"email\":\"$EMAIL\",\"password\":\"$PASSWORD\"}" "" 200 "log in"
TOKEN=$(field access_token)
[ -n "$TOKEN" ] || fail "log in: no access_token"
[ "$(field token_type)" = bearer ] || fail "log in: token_type is not bearer"
ok "log in"

call GET /api/auth/me "" "$TOKEN" 200 "me"
[ "$(field id)" = "$USER_ID" ] || fail "me: id is not $USER_ID"
ok "me: $EMAIL"

call POST /api/tasks '{"title":"Smoke test task","priority":"high","tags":["smoke"]}' "$TOKEN" 201 "create"
TASK_ID=$(field id)
case $TASK_ID in '' | *[!0-9]*) fail "create: no numeric task id" ;; esac
TASK_URL=$(field url)
# Behind a TLS proxy (a Space) the task's url must say https: X-Forwarded-Proto is trusted.
case $TASK_URL in
  "${BASE%%://*}://"*"/api/tasks/$TASK_ID") ;;
  *) fail "create: task url '$TASK_URL' does not match ${BASE%%://*}://.../api/tasks/$TASK_ID" ;;
esac
[ -n "$(header Location)" ] || fail "create: no Location header"
ok "create task $TASK_ID ($TASK_URL)"

call GET "/api/tasks?status=pending&tag=smoke" "" "$TOKEN" 200 "list"
body_has "\"id\":$TASK_ID," || fail "list: task $TASK_ID is not in the list"
[ "$(header X-Total-Count)" = 1 ] || fail "list: X-Total-Count is not 1"
ok "list: task $TASK_ID, X-Total-Count 1"

call GET "/api/$USER_ID/tasks" "" "$TOKEN" 200 "list /api/{user_id}/tasks"
body_has "\"id\":$TASK_ID," || fail "list /api/{user_id}/tasks: task $TASK_ID is not in the list"
ok "list /api/$USER_ID/tasks"

call GET "/api/tasks/$TASK_ID" "" "$TOKEN" 200 "get"
[ "$(field title)" = "Smoke test task" ] || fail "get: title is not 'Smoke test task'"
ok "get task $TASK_ID"

call PATCH "/api/tasks/$TASK_ID" '{"description":"updated by smoke.sh"}' "$TOKEN" 200 "update (PATCH)"
[ "$(field description)" = "updated by smoke.sh" ] || fail "update: description was not updated"
[ "$(field title)" = "Smoke test task" ] || fail "update: PATCH changed the title"
ok "update task $TASK_ID (PATCH)"

call PATCH "/api/tasks/$TASK_ID/complete" "" "$TOKEN" 200 "complete"
[ "$(field completed)" = true ] || fail "complete: completed is not true"
ok "complete task $TASK_ID"

OTHER_EMAIL=smoke-$SUFFIX-other@example.com
call POST /api/auth/signup "{\"email\":\"$OTHER_EMAIL\",\"password\":\"$PASSWORD\"}" "" 201 "sign up a second user"
OTHER_TOKEN=$(field access_token)
[ -n "$OTHER_TOKEN" ] || fail "sign up a second user: no access_token"
call GET "/api/tasks/$TASK_ID" "" "$OTHER_TOKEN" 404 "another user reads task $TASK_ID"
call DELETE "/api/tasks/$TASK_ID" "" "$OTHER_TOKEN" 404 "another user deletes task $TASK_ID"
ok "another user ($OTHER_EMAIL) gets 404 on task $TASK_ID"

call DELETE "/api/tasks/$TASK_ID" "" "$TOKEN" 204 "delete"
call GET "/api/tasks/$TASK_ID" "" "$TOKEN" 404 "get after delete"
ok "delete task $TASK_ID (then 404)"

call GET /api/tasks "" "" 401 "no token"
[ -n "$(header WWW-Authenticate)" ] || fail "no token: no WWW-Authenticate header"
ok "no token gets 401"

# Leave nothing behind on a live service: both throwaway accounts delete themselves.
call DELETE /api/auth/me "{\"password\":\"$PASSWORD\"}" "$OTHER_TOKEN" 204 "delete the second user"
call DELETE /api/auth/me "{\"password\":\"$PASSWORD\"}" "$TOKEN" 204 "delete the first user"
call GET /api/auth/me "" "$TOKEN" 401 "token of the deleted user"
ok "delete both smoke accounts (their tokens then 401)"

echo "smoke: all $STEP steps passed against $BASE"
