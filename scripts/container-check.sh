#!/usr/bin/env bash
# Build the fakes3 image, start it, wait until it is healthy, run a boto3 smoke test against it
# (and the testcontainers module's tests), check persistence and a clean SIGTERM stop.
#
#   scripts/container-check.sh                 base: python:3.12-slim (needs a registry)
#   scripts/container-check.sh --debian-base   base made here from Debian's packages (mmdebstrap)
#   scripts/container-check.sh --if-available  exit 0 with a message where no runtime exists
#
# Runtime: a running docker daemon; else, as root, Debian's dockerd is started (and stopped at
# the end); else podman. PYTHON (default: python3) must have boto3 and pytest; testcontainers
# for its tests. Prints the image size and the seconds from `docker run` to healthy.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${FAKES3_IMAGE:-fakes3:check}
PYTHON=${PYTHON:-python3}
DEBIAN_BASE=fakes3-debian-base:bookworm
base=python:3.12-slim
if_available=0
for arg in "$@"; do
    case $arg in
        --debian-base) base=$DEBIAN_BASE ;;
        --if-available) if_available=1 ;;
        *) echo "usage: $0 [--debian-base] [--if-available]" >&2; exit 2 ;;
    esac
done

say() { printf 'container-check: %s\n' "$*"; }
no_runtime() {
    if [ "$if_available" = 1 ]; then
        say "NOT RUN: $1. The image is checked where docker or podman runs (docs/container.md)."
        exit 0
    fi
    say "FAILED: $1"; exit 1
}

# ---------------------------------------------------------------------------- the runtime
started_dockerd=""
cleanup() {
    [ -n "${container:-}" ] && $engine rm -f "$container" >/dev/null 2>&1 || true
    [ -n "${volume:-}" ] && $engine volume rm -f "$volume" >/dev/null 2>&1 || true
    if [ -n "$started_dockerd" ]; then kill "$started_dockerd" 2>/dev/null || true; fi
}
trap cleanup EXIT

engine=""
if command -v docker >/dev/null && docker info >/dev/null 2>&1; then
    engine=docker
elif command -v dockerd >/dev/null && command -v docker >/dev/null && [ "$(id -u)" = 0 ]; then
    say "starting dockerd (log: /tmp/fakes3-dockerd.log)"
    dockerd >/tmp/fakes3-dockerd.log 2>&1 &
    started_dockerd=$!
    for _ in $(seq 100); do docker info >/dev/null 2>&1 && break; sleep 0.2; done
    docker info >/dev/null 2>&1 || no_runtime "dockerd did not start (see /tmp/fakes3-dockerd.log)"
    engine=docker
elif command -v podman >/dev/null && podman info >/dev/null 2>&1; then
    engine=podman
else
    no_runtime "no container runtime here (no running docker daemon, no dockerd as root, no podman)"
fi
say "runtime: $engine"

# ---------------------------------------------------------------------------- the image
if [ "$base" = "$DEBIAN_BASE" ] && ! $engine image inspect "$DEBIAN_BASE" >/dev/null 2>&1; then
    if ! command -v mmdebstrap >/dev/null; then
        [ "$(id -u)" = 0 ] || no_runtime "mmdebstrap is missing (apt-get install mmdebstrap)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mmdebstrap >/dev/null
    fi
    say "making $DEBIAN_BASE from Debian's packages"
    mmdebstrap --variant=minbase --include=python3,python3-venv \
        --dpkgopt='path-exclude=/usr/share/man/*' --dpkgopt='path-exclude=/usr/share/doc/*' \
        --dpkgopt='path-exclude=/usr/share/locale/*' --dpkgopt='path-exclude=/usr/share/info/*' \
        bookworm - | $engine import - "$DEBIAN_BASE" >/dev/null
fi
# Behind a TLS-intercepting proxy pip inside the build needs its CA: pass the machine's extra CAs.
extra_ca=""
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
    extra_ca=$(cat /usr/local/share/ca-certificates/*.crt)
fi
say "building $IMAGE on $base"
started=$(date +%s)
if ! $engine build --build-arg BASE="$base" --build-arg PIP_CERT_PEM="$extra_ca" -t "$IMAGE" . \
    >/tmp/fakes3-build.log 2>&1; then
    tail -30 /tmp/fakes3-build.log
    say "FAILED: the build (log: /tmp/fakes3-build.log)"; exit 1
fi
size=$($engine image inspect -f '{{.Size}}' "$IMAGE")
say "built in $(( $(date +%s) - started )) s; image size $(( size / 1000000 )) MB ($size bytes)"

# ---------------------------------------------------------------------------- run it
since() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.2f", e - s }'; }
wait_healthy() {  # container: returns once docker reports it healthy
    local status
    for _ in $(seq 300); do
        status=$($engine inspect -f '{{.State.Health.Status}}' "$1")
        [ "$status" = healthy ] && return 0
        sleep 0.05
    done
    $engine logs "$1" >&2
    say "FAILED: $1 is $status after 15 s"
    exit 1
}

t0=$(date +%s.%N)
container=$($engine run -d -e FAKES3_BUCKETS=alpha,beta -p 127.0.0.1::9000 -p 127.0.0.1::4566 "$IMAGE")
port=$($engine port "$container" 9000/tcp | head -1 | sed 's/.*://')
"$PYTHON" - "http://127.0.0.1:$port/_fakes3/health" <<'EOF'
import sys, time, urllib.request
for _ in range(1500):
    try:
        urllib.request.urlopen(sys.argv[1], timeout=1).read()
        break
    except OSError:
        time.sleep(0.01)
EOF
answered=$(since "$t0")
wait_healthy "$container"
say "answers S3 $answered s after '$engine run'; reported healthy after $(since "$t0") s" \
    "(the HEALTHCHECK runs every second)"
alias_port=$($engine port "$container" 4566/tcp | head -1 | sed 's/.*://')
user=$($engine exec "$container" id -u)
[ "$user" != 0 ] || { say "FAILED: the server runs as root"; exit 1; }
say "serving on 9000 (host $port) and 4566 (host $alias_port) as uid $user"

"$PYTHON" - "http://127.0.0.1:$port" "http://127.0.0.1:$alias_port" <<'EOF'
import sys, urllib.request
import boto3
from botocore.exceptions import ClientError

for url in sys.argv[1:]:
    s3 = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                      aws_access_key_id="test", aws_secret_access_key="test")
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert {"alpha", "beta"} <= set(names), names
    s3.put_object(Bucket="alpha", Key="hello.txt", Body=b"hello from " + url.encode())
    assert s3.get_object(Bucket="alpha", Key="hello.txt")["Body"].read().endswith(url.encode())
    link = s3.generate_presigned_url("get_object", Params={"Bucket": "alpha", "Key": "hello.txt"})
    assert urllib.request.urlopen(link).read().startswith(b"hello from ")
    try:
        s3.get_object(Bucket="beta", Key="missing")
        raise AssertionError("no error")
    except ClientError as error:
        assert error.response["Error"]["Code"] == "NoSuchKey", error.response
    print(f"container-check: boto3 smoke test passed on {url}: buckets {sorted(names)}, "
          "put, get, presigned GET, NoSuchKey")
EOF

stopped_at=$(date +%s.%N)
$engine stop -t 10 "$container" >/dev/null
took=$(since "$stopped_at")
code=$($engine inspect -f '{{.State.ExitCode}}' "$container")
$engine logs "$container" 2>/dev/null | grep -q '^fakes3 stopped$' || { say "FAILED: no shutdown line"; exit 1; }
[ "$code" = 0 ] || { say "FAILED: exit status $code after SIGTERM"; exit 1; }
say "SIGTERM: stopped in $took s with status 0 and 'fakes3 stopped'"
$engine rm "$container" >/dev/null; container=""

# ---------------------------------------------------------------------------- the volume
volume=fakes3-check-$$
$engine volume create "$volume" >/dev/null
for round in 1 2; do
    container=$($engine run -d -e FAKES3_DATA_DIR=/data -e FAKES3_BUCKETS=kept -e FAKES3_QUIET=1 \
        -v "$volume:/data" -p 127.0.0.1::9000 "$IMAGE")
    wait_healthy "$container"
    port=$($engine port "$container" 9000/tcp | head -1 | sed 's/.*://')
    "$PYTHON" - "http://127.0.0.1:$port" "$round" <<'EOF'
import sys
import boto3
s3 = boto3.client("s3", endpoint_url=sys.argv[1], region_name="us-east-1",
                  aws_access_key_id="test", aws_secret_access_key="test")
if sys.argv[2] == "1":
    s3.put_object(Bucket="kept", Key="note.txt", Body=b"still here")
else:
    assert s3.get_object(Bucket="kept", Key="note.txt")["Body"].read() == b"still here"
EOF
    $engine rm -f "$container" >/dev/null; container=""
done
say "volume: an object written with FAKES3_DATA_DIR=/data is there after a new container"

# ---------------------------------------------------------------------------- testcontainers
if "$PYTHON" -c "import testcontainers, pytest" 2>/dev/null; then
    FAKES3_IMAGE=$IMAGE TESTCONTAINERS_RYUK_DISABLED=true "$PYTHON" -m pytest -q -p no:cacheprovider \
        tests/container/ | tail -1
else
    say "testcontainers tests not run: $PYTHON has no testcontainers (pip install 'fakes3[testcontainers]')"
fi
say "OK"
