# Sourced by the scripts: selects the JDK 25 and makes sure the native and Python dependencies are installed.
# Safe to source repeatedly; installs only what is missing.

raet_is_jdk25() {
    local out
    out="$("$1/bin/java" -version 2>&1)" || return 1
    case "$out" in *'version "25'*) return 0 ;; *) return 1 ;; esac
}

raet_select_jdk() {
    local candidate
    if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ] && raet_is_jdk25 "$JAVA_HOME"; then
        return 0
    fi
    for candidate in /usr/lib/jvm/temurin-25-jdk-* /usr/lib/jvm/temurin-25* /usr/lib/jvm/java-25-*; do
        if [ -x "$candidate/bin/java" ] && raet_is_jdk25 "$candidate"; then
            export JAVA_HOME="$candidate"
            export PATH="$JAVA_HOME/bin:$PATH"
            return 0
        fi
    done
    echo "error: RAET needs a JDK 25 (Temurin 25 expected under /usr/lib/jvm/temurin-25-jdk-*); none was found." >&2
    echo "       Install Temurin 25 or set JAVA_HOME to a JDK 25 and run again." >&2
    return 1
}

raet_apt_install() {
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null 2>&1 || true
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq >/dev/null 2>&1 || true
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
    else
        echo "error: need root (or sudo) to install: $*" >&2
        return 1
    fi
}

raet_ensure_libsodium() {
    local lib
    for lib in /usr/lib/*/libsodium.so.23 /usr/lib/libsodium.so.23 /usr/local/lib/libsodium.so.23; do
        [ -e "$lib" ] && return 0
    done
    # (no `grep -q` after a pipe: under pipefail the writer's SIGPIPE would count as a failure)
    if [ "$(ldconfig -p 2>/dev/null | grep -c 'libsodium.so.23')" != 0 ]; then
        return 0
    fi
    echo "installing libsodium23 (Debian package)" >&2
    raet_apt_install libsodium23
}

# The Python reference (raet 0.6.8) for the interop tests and benchmarks, in a private virtualenv.
# raet 0.6.8 only imports on Python >= 3.10 after aliasing collections.Mapping & co., so the check
# below does that first (interop/python/raetshim.py does the same and more at run time).
# msgpack<1 is required for raet's msgpack calls (encoding='utf-8'); on Python 3.11 its C
# extension does not compile and pip silently installs the pure-Python fallback, which works.
# libnacl loads the system libsodium (libsodium.so.23 is found without a dev symlink).
raet_python_venv() {
    local root="$1"
    local venv="${RAET_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/raet/pyref-0.6.8}"
    local check='import collections, collections.abc as a
for n in ("Mapping", "MutableMapping", "Sequence", "MutableSet", "Iterable", "Callable", "Set"):
    setattr(collections, n, getattr(a, n))
import raet, raet.road.stacking, raet.lane.stacking, ioflo, libnacl, msgpack, pytest
assert raet.__version__ == "0.6.8", raet.__version__
assert msgpack.version < (1,), msgpack.version
libnacl.crypto_box_keypair()'
    raet_ensure_libsodium || return 1
    if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c "$check" >/dev/null 2>&1; then
        python3 -m venv "$venv" >/dev/null 2>&1 || { raet_apt_install python3-venv && python3 -m venv "$venv"; }
        "$venv/bin/python" -m pip install -q --disable-pip-version-check 'raet==0.6.8' 'ioflo==2.0.3' 'libnacl==2.1.0' 'msgpack==0.6.2' pytest >&2
        if ! "$venv/bin/python" -c "$check" >&2; then
            echo "error: the raet 0.6.8 reference venv at $venv does not import" >&2
            return 1
        fi
    fi
    export RAET_PYTHON="$venv/bin/python"
}
