#!/usr/bin/env bash
# The Docker image and the examples that use it, on a machine with no Docker
# engine: buildah builds the real Dockerfile (on local stand-ins for its base
# images, made by shared/tools/local-base-images.sh), podman runs it.
# Checks: image size, non-root user, HEALTHCHECK, health, a LiqPay payment and
# a Liquido token through the container, the Node and PHP container tests,
# Testcontainers (Go and Node over podman's Docker-compatible socket; the
# Python and Java recipes' tests with stand-ins for their packages), the
# compose example with its callback receiver, and a clean exit 0 on SIGTERM.
# Every container, the socket service and the compose project are removed on
# exit, whatever happens. Called by .ci/run; runs alone as bash .ci/docker.sh.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo"

# CI runs in a fresh clone with a copy of shared/ beside it.
base_images=${MOCKPAY_BASE_IMAGES:-"$repo/../shared/tools/local-base-images.sh"}
if [ ! -f "$base_images" ]; then
  echo "docker.sh: $base_images is missing: it makes the golang and distroless stand-ins this build needs" >&2
  echo "           (set MOCKPAY_BASE_IMAGES to its path when shared/ is elsewhere)" >&2
  exit 1
fi

MAX_IMAGE_BYTES=$((20 * 1000 * 1000)) # 20 MB
IMAGE=mockpay:local
run_id=$$
ctr=mockpay-ci-$run_id
sock=/tmp/mockpay-ci-podman-$run_id.sock
compose_project=mockpay-ci-compose-$run_id
service_pid=
logs=$(mktemp -d) # build and compose output, shown when a step fails
started=$(date +%s)

ms() { echo $(($(date +%s%N) / 1000000)); }
fail() { echo "docker.sh: FAIL: $*" >&2; exit 1; }
step() { printf '\n== docker: %s\n' "$*"; }

cleanup() {
  podman rm -f -t 2 "$ctr" >/dev/null 2>&1 || true
  if command -v podman-compose >/dev/null; then
    podman-compose -p "$compose_project" -f examples/compose/compose.yaml down -t 2 >/dev/null 2>&1 || true
  fi
  podman network rm -f "${compose_project}_default" >/dev/null 2>&1 || true # compose down leaves it
  [ -n "$service_pid" ] && kill "$service_pid" 2>/dev/null || true
  rm -f "$sock"
  rm -rf "$logs"
}
trap cleanup EXIT

# free_port prints a loopback TCP port nothing listens on, below Linux's
# ephemeral range (32768 and up), where an outgoing connection may hold it.
free_port() {
  local p
  for _ in $(seq 100); do
    p=$((20000 + RANDOM % 12000))
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then echo "$p"; return 0; fi
  done
  fail "no free port"
}

# wait_health URL SECONDS: until URL/_mockpay/health answers 200.
wait_health() {
  local deadline=$(($(date +%s) + $2))
  until curl -sf -o /dev/null --max-time 2 "$1/_mockpay/health"; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 0.1
  done
}

# build_image TAG DOCKERFILE [ARGS]: buildah with --format docker (the OCI
# format drops HEALTHCHECK), on the local base images only. The image the
# tag named before, now untagged, is removed.
build_image() {
  local tag=$1 file=$2 log previous
  shift 2
  log="$logs/$(basename "$file").log"
  previous=$(podman image inspect "$tag" --format '{{.Id}}' 2>/dev/null || true)
  timeout 900 buildah bud --network host --pull=never --format docker -f "$file" "$@" -t "$tag" . >"$log" 2>&1 ||
    { tail -30 "$log"; fail "buildah bud -f $file"; }
  if [ -n "$previous" ] && [ "$previous" != "$(podman image inspect "$tag" --format '{{.Id}}')" ]; then
    podman rmi "$previous" >/dev/null 2>&1 || true
  fi
}

step "tools and base images"
# php-curl: the PHP container test uses curl_* functions.
# python3-pytest, a JDK and junit5: the Python and Java Testcontainers
# recipes' tests.
if ! command -v podman-compose >/dev/null || ! php -m 2>/dev/null | grep -qx curl ||
  ! /usr/bin/python3 -m pytest --version >/dev/null 2>&1 || ! command -v javac >/dev/null ||
  [ ! -f /usr/share/java/junit-platform-console-standalone.jar ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    podman-compose php-curl python3-pytest default-jdk-headless junit5 >/dev/null
fi
LOCAL_IMAGES_DIR=${LOCAL_IMAGES_DIR:-/var/tmp/mockpay-base-images} timeout 900 bash "$base_images" Dockerfile

step "build"
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
t=$(ms)
build_image "$IMAGE" Dockerfile --build-arg VERSION="$version"
echo "built $IMAGE ($version) in $(($(ms) - t)) ms"

step "image"
size=$(podman image inspect "$IMAGE" --format '{{.Size}}')
echo "image size: $size bytes ($((size / 1000)) kB)"
[ "$size" -le "$MAX_IMAGE_BYTES" ] || fail "image is $size bytes, more than $MAX_IMAGE_BYTES"
user=$(podman image inspect "$IMAGE" --format '{{.Config.User}}')
uid=${user%%:*}
echo "user: $user"
case "$uid" in '' | 0 | root) fail "the image runs as root (User=\"$user\")" ;; esac
healthcheck=$(podman image inspect "$IMAGE" --format '{{json .Config.Healthcheck.Test}}')
echo "healthcheck: $healthcheck"
[ "$healthcheck" = '["CMD","/mockpay","healthcheck"]' ] || fail "HEALTHCHECK is $healthcheck"
env=$(podman image inspect "$IMAGE" --format '{{json .Config.Env}}')
for want in MOCKPAY_ADDR=0.0.0.0:8470 'MOCKPAY_ALLOWED_HOSTS=*'; do
  grep -qF "\"$want\"" <<<"$env" || fail "image env lacks $want: $env"
done
podman image inspect "$IMAGE" --format '{{json .Config.ExposedPorts}}' | grep -q '"8470/tcp"' || fail "8470 is not exposed"
label=$(podman image inspect "$IMAGE" --format '{{index .Labels "org.opencontainers.image.version"}}')
[ "$label" = "$version" ] || fail "label org.opencontainers.image.version is \"$label\", want \"$version\""
stamped=$(timeout 60 podman run --rm --network none "$IMAGE" version 2>/dev/null)
[ "$stamped" = "mockpay $version" ] || fail "mockpay version in the image says \"$stamped\", want \"mockpay $version\""
echo "version: $stamped"

step "run"
# A port free when picked may be taken before mockpay binds it: then the
# container exits at once, and another port is tried.
healthy=
for _ in 1 2 3; do
  port=$(free_port)
  base=http://127.0.0.1:$port
  podman rm -f "$ctr" >/dev/null 2>&1 || true
  t=$(ms)
  timeout 60 podman run -d --name "$ctr" --network host -e MOCKPAY_ADDR="127.0.0.1:$port" "$IMAGE" >/dev/null 2>&1
  deadline=$(($(date +%s) + 30))
  while [ "$(date +%s)" -lt "$deadline" ]; do
    if curl -sf -o /dev/null --max-time 2 "$base/_mockpay/health"; then healthy=1; break; fi
    [ "$(podman inspect "$ctr" --format '{{.State.Running}}' 2>/dev/null)" = true ] || break
    sleep 0.1
  done
  [ -z "$healthy" ] || break
  podman logs "$ctr" 2>&1 | tail -5
done
[ -n "$healthy" ] || fail "no health within 30 s"
echo "healthy after $(($(ms) - t)) ms (podman run to /_mockpay/health 200)"
# podman's periodic health checks need systemd; running the check once
# needs nothing, and runs the image's own HEALTHCHECK command inside it.
if out=$(timeout 30 podman healthcheck run "$ctr" 2>&1); then
  echo "podman healthcheck run: healthy"
else
  fail "podman healthcheck run: $out"
fi
uid_running=$(podman inspect "$ctr" --format '{{.Config.User}}')
[ "${uid_running%%:*}" = "$uid" ] || fail "the container runs as \"$uid_running\""

step "LiqPay payment and Liquido token through the container"
# LiqPay's own bash recipe (README), against the container.
PRIVATE_KEY=sandbox_private_key
JSON='{"public_key":"sandbox_i00000000","version":"3","action":"pay","amount":"1","currency":"UAH","description":"docker","order_id":"docker-1","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123"}'
DATA=$(printf '%s' "$JSON" | base64 -w0)
SIGNATURE=$(printf '%s' "$PRIVATE_KEY$DATA$PRIVATE_KEY" | openssl dgst -binary -sha1 | base64)
paid=$(curl -s --max-time 10 -XPOST "$base/api/request" --data-urlencode data="$DATA" --data-urlencode signature="$SIGNATURE")
grep -q '"status":"success"' <<<"$paid" || fail "LiqPay pay: $paid"
echo "LiqPay pay: success"
token=$(curl -s --max-time 10 -XPOST "$base/oauth2/token" \
  -d grant_type=client_credentials -d client_id=sandbox-client-id -d client_secret=sandbox-client-secret)
grep -q '"access_token":"[^"]' <<<"$token" || fail "Liquido token: $token"
echo "Liquido token: issued"
# MOCKPAY_ALLOWED_HOSTS=* in the image: the control plane answers a CI
# alias or compose service name, not only loopback.
code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 10 -H 'Host: mockpay:8470' -XPOST "$base/_mockpay/merchants" -d '{"liqpay": {}}')
[ "$code" = 201 ] || fail "POST /_mockpay/merchants with Host: mockpay:8470 answered $code, want 201"
echo "control plane under Host: mockpay:8470: 201"

step "container tests: Node, PHP"
MOCKPAY_URL=$base timeout 120 node --test examples/container-tests/mockpay.test.mjs 2>&1 | tail -9
MOCKPAY_URL=$base timeout 120 php examples/container-tests/mockpay_test.php

step "Testcontainers over podman's Docker API"
podman system service --time=0 "unix://$sock" >/dev/null 2>&1 &
service_pid=$!
for _ in $(seq 50); do [ -S "$sock" ] && break; sleep 0.1; done
[ -S "$sock" ] || fail "podman system service did not open $sock"
export DOCKER_HOST=unix://$sock TESTCONTAINERS_RYUK_DISABLED=true MOCKPAY_IMAGE=$IMAGE
(cd examples/testcontainers/go && go vet ./... && timeout 300 go test -count=1 ./...)
(cd examples/testcontainers/node && timeout 300 npm ci --no-audit --no-fund --loglevel=error && timeout 120 npm test 2>&1 | tail -9)
unset DOCKER_HOST TESTCONTAINERS_RYUK_DISABLED MOCKPAY_IMAGE
# Python's testcontainers comes from PyPI, which this machine does not
# reach: the recipe's test runs on Debian's pytest with a stand-in for the
# package (.ci/python-standin: DockerContainer over the podman CLI).
PYTHONPATH=.ci/python-standin PYTHONDONTWRITEBYTECODE=1 MOCKPAY_IMAGE=$IMAGE \
  timeout 120 /usr/bin/python3 -m pytest -q -p no:cacheprovider examples/testcontainers/python 2>&1 | tail -3
# Java's comes from a Maven repository, which this machine does not reach
# either: the recipe's test is compiled against stand-ins for the classes it
# uses (.ci/java-standin) and run on Debian's JUnit 5 console launcher.
junit=/usr/share/java/junit-platform-console-standalone.jar
classes=$(mktemp -d)
javac -d "$classes" -cp "$junit" $(find .ci/java-standin -name '*.java') \
  examples/testcontainers/java/src/test/java/example/MockpayTest.java
MOCKPAY_IMAGE=$IMAGE timeout 120 java -jar "$junit" -cp "$classes" --select-class example.MockpayTest \
  --disable-banner --fail-if-no-tests --details=summary 2>&1 | grep -E 'tests (successful|failed)'
rm -rf "$classes"

step "compose: mockpay and a merchant that receives its callbacks"
# Both images are built here, as compose would build them, so a stale one
# left by an earlier run is never used (mockpay:local is the one built above).
build_image mockpay-merchant:local examples/compose/merchant.Dockerfile
cport=$(free_port)
cbase=http://127.0.0.1:$cport
MOCKPAY_PORT=$cport timeout 600 podman-compose -p "$compose_project" -f examples/compose/compose.yaml up -d --no-build \
  >"$logs/compose.log" 2>&1 || { tail -30 "$logs/compose.log"; fail "podman-compose up"; }
wait_health "$cbase" 30 || fail "compose: mockpay not healthy within 30 s"
# Here mockpay listens on the image's default 0.0.0.0:8470: its healthcheck
# must dial 127.0.0.1 instead.
timeout 30 podman healthcheck run "${compose_project}_mockpay_1" >/dev/null 2>&1 || fail "compose: podman healthcheck run with MOCKPAY_ADDR=0.0.0.0:8470"
JSON='{"public_key":"sandbox_i00000000","version":"3","action":"pay","amount":"1","currency":"UAH","description":"compose","order_id":"compose-'$run_id'","card":"4242424242424242","card_exp_month":"12","card_exp_year":"30","card_cvv":"123","server_url":"http://merchant:9000/liqpay/callback"}'
DATA=$(printf '%s' "$JSON" | base64 -w0)
SIGNATURE=$(printf '%s' "$PRIVATE_KEY$DATA$PRIVATE_KEY" | openssl dgst -binary -sha1 | base64)
curl -s --max-time 10 -XPOST "$cbase/api/request" --data-urlencode data="$DATA" --data-urlencode signature="$SIGNATURE" |
  grep -q '"status":"success"' || fail "compose: LiqPay pay"
verified=
for _ in $(seq 100); do
  if podman logs "${compose_project}_merchant_1" 2>/dev/null | grep -q "verified compose-$run_id success"; then verified=1; break; fi
  sleep 0.1
done
[ -n "$verified" ] || { podman logs "${compose_project}_merchant_1" 2>&1 | tail; fail "compose: the merchant never verified the callback"; }
echo "compose: the merchant verified the signed callback for compose-$run_id"
podman-compose -p "$compose_project" -f examples/compose/compose.yaml down -t 5 >/dev/null 2>&1

step "SIGTERM"
t=$(ms)
timeout 30 podman stop -t 10 "$ctr" >/dev/null 2>&1
stop_ms=$(($(ms) - t))
code=$(podman inspect "$ctr" --format '{{.State.ExitCode}}')
echo "stopped in $stop_ms ms, exit code $code"
[ "$code" = 0 ] || fail "exit code $code after SIGTERM"
[ "$stop_ms" -lt 8000 ] || fail "took $stop_ms ms to stop: SIGTERM was not honoured (podman stop waits 10 s, then SIGKILL)"

echo "docker.sh: image $((size / 1000)) kB, healthy and checked; total $(($(date +%s) - started)) s"
