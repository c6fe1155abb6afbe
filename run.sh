#!/usr/bin/env bash
# The two commands of this course package (see README.md):
#   ./run.sh main   set up .venv/ and run the main job (grade the bundled sample class end to end)
#   ./run.sh test   set up .venv/ the same way and run the whole test suite
# Set-up is idempotent: the virtual environment is reused and only re-installed when
# pyproject.toml changes.
set -euo pipefail
cd "$(dirname "$0")"
root=$(pwd)

usage() { sed -n '2,6p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
[ $# -ge 1 ] || usage
job=$1; shift

find_python() {
    for candidate in "${PYTHON:-}" python3.13 python3.12 python3.11 python3; do
        [ -n "$candidate" ] || continue
        command -v "$candidate" >/dev/null 2>&1 || continue
        if "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"; return 0
        fi
    done
    return 1
}

setup_venv() {
    if [ ! -x .venv/bin/python ]; then
        local python
        python=$(find_python) || { echo "error: Python 3.11 or newer is needed (set PYTHON=/path/to/python3.11)." >&2; exit 1; }
        if ! "$python" -m venv .venv 2>/dev/null; then
            rm -rf .venv
            if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
                echo "== installing the Debian package python3-venv"
                apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
                "$python" -m venv .venv
            else
                echo "error: '$python -m venv' failed; install your distribution's python3-venv package." >&2; exit 1
            fi
        fi
    fi
    local stamp=.venv/.installed-from
    local wanted
    wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "== installing the course package and its dependencies into .venv/ (first run: a few minutes)"
        .venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[test]"
        echo "$wanted" > "$stamp"
    fi
    export PATH="$root/.venv/bin:$PATH"
    # TensorFlow's C++ start-up chatter is noise for students and graders alike.
    export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-2}
}

# The page checks (tests/browser.py) open feedback and reports in Debian's headless chromium,
# driven through its matching chromedriver; fonts-nanum renders the pages' Korean text.
# WEEK12_SKIP_BROWSER=1 opts out: those tests then skip.
setup_browser() {
    [ "${WEEK12_SKIP_BROWSER:-}" != 1 ] || return 0
    command -v chromium >/dev/null && command -v chromedriver >/dev/null && [ -d /usr/share/fonts/truetype/nanum ] && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing the Debian packages chromium, chromium-driver and fonts-nanum (for the browser tests)"
        if apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-nanum >/dev/null; then
            return 0
        fi
        echo "error: installing chromium and chromium-driver failed; the browser tests will fail." >&2
    else
        echo "warning: chromium and chromedriver are not on PATH and cannot be installed here (needs root and apt-get);" \
             "install them (Debian: chromium chromium-driver) or set WEEK12_SKIP_BROWSER=1, else the browser tests fail." >&2
    fi
}

# The tests grade as an ordinary account too (tests/accounts.py), from an environment made with a
# Python every account may run: the system's, which needs Debian's python3-venv to make one.
setup_account_python() {
    [ "$(id -u)" = 0 ] || return 0
    /usr/bin/python3 -c 'import sys, venv, ensurepip; sys.exit(sys.version_info < (3, 11))' 2>/dev/null && return 0
    if command -v apt-get >/dev/null; then
        echo "== installing the Debian packages python3 and python3-venv (the ordinary account's tests)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-venv >/dev/null \
            || echo "warning: installing python3-venv failed; the ordinary-account tests will fail." >&2
    fi
}

# tests/test_postgres_gradebook.py grades on a real PostgreSQL server: Debian's postgresql, whose
# programs (initdb, pg_ctl) the test runs as an ordinary account in a temporary folder. No
# cluster of the package's own is made or started.
setup_postgres() {
    ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 && return 0
    if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing the Debian package postgresql (for the shared-gradebook test)"
        mkdir -p /etc/postgresql-common
        [ -f /etc/postgresql-common/createcluster.conf ] || echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.conf
        # --force-confold keeps that file, which postgresql-common also ships, without a prompt.
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold postgresql >/dev/null \
            || echo "warning: installing postgresql failed; the PostgreSQL gradebook test will fail." >&2
    else
        echo "warning: PostgreSQL's server is not installed and cannot be installed here (needs root and apt-get);" \
             "install Debian's postgresql, else the PostgreSQL gradebook test fails." >&2
    fi
}

# The hub tests (tests/hub.py) run a real JupyterHub, whose proxy is configurable-http-proxy from
# npm: installed into .venv/hub-proxy/ with the machine's Node.js (Debian's nodejs and npm when
# missing). WEEK12_SKIP_BROWSER=1 opts out with the browser tests, which are the hub tests' tier.
PROXY_VERSION=5.3.0
setup_hub_proxy() {
    [ "${WEEK12_SKIP_BROWSER:-}" != 1 ] || return 0
    local proxy=.venv/hub-proxy/node_modules/.bin/configurable-http-proxy
    [ -x "$proxy" ] && [ "$("$proxy" --version 2>/dev/null)" = "$PROXY_VERSION" ] && return 0
    if ! command -v npm >/dev/null && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "== installing the Debian packages nodejs and npm (JupyterHub's proxy, for the hub tests)"
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null || true
    fi
    if ! command -v npm >/dev/null; then
        echo "warning: npm is not on PATH and cannot be installed here; the hub tests will fail (install Node.js and npm)." >&2
        return 0
    fi
    echo "== installing configurable-http-proxy $PROXY_VERSION (JupyterHub's proxy) from npm into .venv/hub-proxy/"
    npm install --prefix .venv/hub-proxy --no-audit --no-fund --loglevel=error "configurable-http-proxy@$PROXY_VERSION" >/dev/null \
        || echo "warning: installing configurable-http-proxy failed; the hub tests will fail." >&2
}

case "$job" in
    main)
        setup_venv
        exec week12 sample-class "$@"
        ;;
    test)
        setup_venv
        setup_browser
        setup_hub_proxy
        setup_account_python
        setup_postgres
        # The whole suite (no arguments, as CI runs it) must not skip what needs a sandbox: there a
        # missing sandbox is a failure. A chosen tier (-m unit...) may skip it, with the reason.
        [ $# -gt 0 ] || export WEEK12_REQUIRE_SANDBOX=${WEEK12_REQUIRE_SANDBOX:-1}
        exec python -m pytest "$@"
        ;;
    *)
        usage
        ;;
esac
