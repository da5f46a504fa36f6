#!/bin/sh
# make install / make uninstall: stepd's binaries, systemd units, sysusers.d entry and the
# example configuration. The Makefile passes every folder in the environment:
#   DESTDIR PREFIX BINDIR UNITDIR SYSUSERSDIR DATADIR CONFDIR, and RELEASE_BIN (install only)
#
# With DESTDIR empty this is an installation on this very system, so it also does what a
# Debian package's maintainer scripts would: creates the stepd user and group
# (systemd-sysusers) and reloads systemd; uninstall first stops and disables the units.
# With DESTDIR set (packaging, a container image) it only places files.
set -eu
ACTION=${1:?usage: install.sh install|uninstall}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
: "${DESTDIR=}" "${PREFIX:?}" "${BINDIR:?}" "${UNITDIR:?}" "${SYSUSERSDIR:?}" "${DATADIR:?}" "${CONFDIR:?}"

PROGRAMS="stepd stepctl stepd-example-flow"
UNITS="stepd.socket stepd.service"
EXAMPLE="$ROOT/examples/async-job"
# Where the installed example job writes its output: the service may write only under its
# state folder (ProtectSystem=strict), so not beside the job file in /etc/stepd.
EXAMPLE_OUTPUT=/var/lib/stepd/example-flow/output

on_this_system() { [ -z "$DESTDIR" ]; }
systemd_running() { on_this_system && [ -d /run/systemd/system ]; }

# The example's files that make up a configuration folder: the definitions and the job's
# input, not what a `make demo` run may have left in output/.
example_files() {
    (cd "$EXAMPLE" && ls -1 *.json input/*.json)
}

# A file as the configuration folder gets it. The job's output goes to the state folder.
config_version() {
    if [ "$1" = example-flow.job.json ]; then
        grep -q '"--output", "output"' "$EXAMPLE/$1" || {
            echo "install.sh: $EXAMPLE/$1 no longer has '\"--output\", \"output\"' to point at $EXAMPLE_OUTPUT" >&2
            exit 1
        }
        sed "s|\"--output\", \"output\"|\"--output\", \"$EXAMPLE_OUTPUT\"|" "$EXAMPLE/$1"
    else
        cat "$EXAMPLE/$1"
    fi
}

# The unit as installed: ExecStart= names the binary under this PREFIX.
unit_version() {
    sed "s|/usr/local/bin/|$BINDIR/|g" "$ROOT/systemd/$1"
}

install_files() {
    : "${RELEASE_BIN:?}"
    for program in $PROGRAMS; do
        [ -x "$RELEASE_BIN/$program" ] || { echo "install.sh: $RELEASE_BIN/$program is missing: build first" >&2; exit 1; }
    done
    install -d "$DESTDIR$BINDIR" "$DESTDIR$UNITDIR" "$DESTDIR$SYSUSERSDIR"
    for program in $PROGRAMS; do
        install -m 0755 "$RELEASE_BIN/$program" "$DESTDIR$BINDIR/$program"
    done
    for unit in $UNITS; do
        unit_version "$unit" > "$DESTDIR$UNITDIR/$unit.tmp"
        chmod 0644 "$DESTDIR$UNITDIR/$unit.tmp"
        mv "$DESTDIR$UNITDIR/$unit.tmp" "$DESTDIR$UNITDIR/$unit"
    done
    install -m 0644 "$ROOT/systemd/sysusers.d/stepd.conf" "$DESTDIR$SYSUSERSDIR/stepd.conf"

    # The untouched example, for reading and for `stepctl apply -f` from a copy.
    install -d "$DESTDIR$DATADIR/examples/async-job/input"
    for file in $(example_files); do
        install -m 0644 "$EXAMPLE/$file" "$DESTDIR$DATADIR/examples/async-job/$file"
    done

    # The configuration folder: an administrator's file is never overwritten.
    install -d -m 0755 "$DESTDIR$CONFDIR" "$DESTDIR$CONFDIR/input"
    kept=""
    for file in $(example_files); do
        target="$DESTDIR$CONFDIR/$file"
        if [ -e "$target" ]; then
            config_version "$file" | cmp -s - "$target" || kept="$kept $file"
            continue
        fi
        config_version "$file" > "$target.tmp"
        chmod 0644 "$target.tmp"
        mv "$target.tmp" "$target"
    done
    [ -z "$kept" ] || echo "install.sh: kept your changed$kept in $DESTDIR$CONFDIR (the example's are in $DATADIR/examples)"

    case "$UNITDIR" in
    /etc/systemd/system | /usr/local/lib/systemd/system | /usr/lib/systemd/system | /lib/systemd/system) ;;
    *) echo "install.sh: note: systemd does not look for units in $UNITDIR; link them from /etc/systemd/system" ;;
    esac

    if on_this_system && [ "$(id -u)" = 0 ] && command -v systemd-sysusers >/dev/null; then
        systemd-sysusers "$SYSUSERSDIR/stepd.conf"
    fi
    if systemd_running; then
        systemctl daemon-reload
        echo "installed; start it with: systemctl enable --now stepd.socket"
    fi
}

uninstall_files() {
    if systemd_running; then
        systemctl disable --now stepd.socket stepd.service 2>/dev/null || true
    fi
    for program in $PROGRAMS; do rm -f "$DESTDIR$BINDIR/$program"; done
    for unit in $UNITS; do rm -f "$DESTDIR$UNITDIR/$unit"; done
    rm -f "$DESTDIR$SYSUSERSDIR/stepd.conf"
    case "$DATADIR" in
    */stepd) rm -rf "$DESTDIR$DATADIR" ;;
    *) echo "install.sh: not removing DATADIR=$DATADIR: it does not end in /stepd" >&2 ;;
    esac

    # Remove from the configuration folder only what install put there unchanged.
    if [ -d "$DESTDIR$CONFDIR" ]; then
        for file in $(example_files); do
            target="$DESTDIR$CONFDIR/$file"
            if [ -e "$target" ] && config_version "$file" | cmp -s - "$target"; then rm -f "$target"; fi
        done
        rmdir "$DESTDIR$CONFDIR/input" 2>/dev/null || true
        rmdir "$DESTDIR$CONFDIR" 2>/dev/null ||
            echo "install.sh: kept $DESTDIR$CONFDIR, which holds changed or added files:" $(cd "$DESTDIR$CONFDIR" && ls -A)
    fi
    if systemd_running; then systemctl daemon-reload; fi
    echo "uninstalled; the database and spool in $DESTDIR/var/lib/stepd and the user stepd are kept"
}

case "$ACTION" in
install) install_files ;;
uninstall) uninstall_files ;;
*) echo "install.sh: unknown action '$ACTION' (install or uninstall)" >&2; exit 2 ;;
esac
