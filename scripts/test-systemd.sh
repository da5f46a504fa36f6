#!/bin/bash
# make test-systemd: stepd under a real systemd, used the way an administrator uses it.
#
# Boots systemd in systemd-nspawn with this host's own root, read-only, under a volatile
# tmpfs overlay (no debootstrap, nothing written to the host), installs stepd into it with
# `make install DESTDIR=...`, and checks the units: socket activation, STATUS=, the
# reference scenario, the journal, reload, stop and resume, jobs across a stop, the
# watchdog. Prints PASS or FAIL per check and "test-systemd: N passed, M failed"; exits 1
# when a check failed.
#
#   scripts/test-systemd.sh                 run (as root); exit 2 when this machine cannot
#   scripts/test-systemd.sh --if-possible   (make test) when it cannot, say why in one line
#                                           and exit 0
#
# Never boots systemd on the host itself: its boot-time cleanup would empty the host's /tmp.
set -uo pipefail

IF_POSSIBLE=
[ "${1:-}" = --if-possible ] && IF_POSSIBLE=1
REPO=$(cd "$(dirname "$0")/.." && pwd)
STARTED=$(date +%s.%N)
elapsed() { awk -v s="$1" -v e="$(date +%s.%N)" 'BEGIN { printf "%.1f s", e - s }'; }

cannot_run() {
    if [ -n "$IF_POSSIBLE" ]; then echo "test-systemd skipped: $*"; exit 0; fi
    echo "test-systemd cannot run: $*" >&2
    exit 2
}

# ---- can this machine boot the container? --------------------------------------------
[ "$(id -u)" = 0 ] || cannot_run "needs root (it boots systemd in a container)"
[ -x /lib/systemd/systemd ] || cannot_run "systemd is not installed here (the container boots this host's /lib/systemd/systemd)"
for tool in nsenter setpriv mountpoint; do
    command -v "$tool" >/dev/null || cannot_run "$tool (util-linux) is missing"
done
if ! command -v systemd-nspawn >/dev/null; then
    echo "test-systemd: installing systemd-container (systemd-nspawn)"
    { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container >/dev/null 2>&1 ||
        { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq systemd-container >/dev/null 2>&1; }; } ||
        cannot_run "systemd-nspawn is missing and apt-get could not install systemd-container"
fi

# ---- build (release, as make install does; make test passes its debug build instead) ------
if [ -n "${STEPD_BIN_DIR:-}" ]; then
    [ -x "$STEPD_BIN_DIR/stepd" ] || cannot_run "STEPD_BIN_DIR=$STEPD_BIN_DIR holds no stepd binary"
    echo "test-systemd: installing the binaries of $STEPD_BIN_DIR"
else
    BUILD_STARTED=$(date +%s.%N)
    BUILD_LOG=$(mktemp /tmp/stepd-test-systemd-build.XXXXXX)
    make -C "$REPO" --no-print-directory release > "$BUILD_LOG" 2>&1 || {
        tail -20 "$BUILD_LOG"
        echo "test-systemd: the release build failed (log: $BUILD_LOG)"
        exit 1
    }
    rm -f "$BUILD_LOG"
    echo "test-systemd: release build ready ($(elapsed "$BUILD_STARTED"))"
fi

# ---- boot -------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/stepd-test-systemd.XXXXXX)
HOSTROOT=$WORK/hostroot          # the host's /, bound read-only: the container's lower layer
ETCSYS=$WORK/etc-systemd-system  # the container's /etc/systemd/system: hides the host's units
mkdir -p "$HOSTROOT" "$ETCSYS"
NSPAWN=
LEADER=

cleanup() {
    trap - EXIT INT TERM
    if [ -n "$NSPAWN" ] && kill -0 "$NSPAWN" 2>/dev/null; then
        kill -TERM "$NSPAWN" 2>/dev/null   # nspawn turns it into SIGRTMIN+3: a clean halt
        for _ in $(seq 100); do kill -0 "$NSPAWN" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$NSPAWN" 2>/dev/null && echo "test-systemd: the container did not halt in 10 s; killed it"
        wait "$NSPAWN" 2>/dev/null
    fi
    if mountpoint -q "$HOSTROOT"; then umount "$HOSTROOT" || umount -l "$HOSTROOT"; fi
    # Never rm -r a folder that may still hold the host's root: rmdir fails unless it is empty.
    if rmdir "$HOSTROOT"; then
        rm -rf "$WORK"
    else
        echo "test-systemd: $HOSTROOT is still mounted or not empty; left $WORK in place" >&2
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

mount --bind / "$HOSTROOT" && mount -o remount,bind,ro "$HOSTROOT" ||
    cannot_run "cannot bind the host's root read-only at $HOSTROOT"
[ "$(findmnt -n -o OPTIONS "$HOSTROOT" | cut -d, -f1)" = ro ] || cannot_run "the bind of / at $HOSTROOT is not read-only"

BOOT_STARTED=$(date +%s.%N)
# --register=no --keep-unit: no machined needed; --private-network: the container has only
# its own loopback; $ETCSYS over /etc/systemd/system: only what the test enables is there.
systemd-nspawn -q --boot -D "$HOSTROOT" --machine=stepd-test --register=no --keep-unit --console=pipe \
    --volatile=overlay --private-network --bind="$ETCSYS:/etc/systemd/system" \
    > "$WORK/nspawn.log" 2>&1 < /dev/null &
NSPAWN=$!
for _ in $(seq 100); do
    for pid in $(ps -o pid= --ppid "$NSPAWN" 2>/dev/null); do
        [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = systemd ] && LEADER=$pid
    done
    [ -n "$LEADER" ] && break
    kill -0 "$NSPAWN" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$LEADER" ]; then
    reason="systemd-nspawn did not start systemd within 10 s: $(tail -3 "$WORK/nspawn.log" | tr '\n' ' ')"
    [ -n "$IF_POSSIBLE" ] && cannot_run "$reason"
    echo "test-systemd: FAIL boot: $reason"; exit 1
fi

# A command inside the container, with a clean environment and a time limit (T seconds).
IN() {
    timeout "${T:-30}" nsenter -t "$LEADER" -a \
        env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8 SYSTEMD_PAGER= "$@"
}
# Writes stdin to a file inside the container.
put() { IN sh -c 'mkdir -p "$(dirname "$1")" && cat > "$1"' put "$1"; }

for _ in $(seq 100); do IN test -S /run/systemd/private 2>/dev/null && break; sleep 0.1; done
state=$(T=90 IN systemctl is-system-running --wait 2>/dev/null)
case "$state" in
running | degraded) ;;
*)
    reason="the container's systemd did not finish booting (state '$state')"
    [ -n "$IF_POSSIBLE" ] && cannot_run "$reason"
    echo "test-systemd: FAIL boot: $reason"; tail -20 "$WORK/nspawn.log"; exit 1
    ;;
esac
echo "test-systemd: container booted ($state) in $(elapsed "$BOOT_STARTED")"

# ---- checks -----------------------------------------------------------------------------
PASSED=0
FAILED=0
FAILED_NAMES=
pass() { PASSED=$((PASSED + 1)); echo "PASS $1${2:+: $2}"; }
fail() {
    FAILED=$((FAILED + 1)); FAILED_NAMES="$FAILED_NAMES $1"
    echo "FAIL $1: $2"
    # The journal once per cause: checks skipped for the same reason say so without it.
    if [ "${3:-}" = journal ] && [ "$2" != "$LAST_JOURNAL_CAUSE" ]; then
        LAST_JOURNAL_CAUSE=$2
        echo "     $(service_summary)"
        IN journalctl -u stepd.service -n 12 --no-pager -o short-monotonic 2>/dev/null | sed 's/^/     | /'
    fi
}
LAST_JOURNAL_CAUSE=
service_summary() {
    IN systemctl show stepd.service -p ActiveState,SubState,Result,ExecMainStatus,NRestarts,MainPID 2>/dev/null | paste -sd' '
}
show() { IN systemctl show -P "$2" "$1" 2>/dev/null; }
STEPCTL() { IN stepctl "$@"; }
# Waits until a command succeeds, at most $1 seconds (checked every 0.2 s).
until_true() {
    local limit=$1; shift
    local deadline=$(($(date +%s) + limit))
    until "$@" >/dev/null 2>&1; do
        [ "$(date +%s)" -lt "$deadline" ] || return 1
        sleep 0.2
    done
}
# stepd answers on its socket (activating it if it is not running).
answers() { T=20 STEPCTL call Stepd.Health '{}' >/dev/null 2>&1; }
# Before a check that needs a running stepd: clear an earlier failure, then call it.
need_stepd() {
    IN systemctl reset-failed stepd.service stepd.socket >/dev/null 2>&1
    IN systemctl start stepd.socket >/dev/null 2>&1
    answers
}
machine_exists() { T=15 STEPCTL call AWSStepFunctions.DescribeStateMachine "{\"stateMachineArn\": \"$1\"}"; }
execution_status() {
    T=15 STEPCTL describe-execution --execution-arn "$1" 2>/dev/null | grep -o '"status" *: *"[A-Z_]*"' | grep -o '[A-Z_]*"$' | tr -d '"'
}
ARN_PREFIX=arn:aws:states:local:000000000000

CHECKS_STARTED=$(date +%s.%N)

# 1. make install into the container, then what a package's postinst does.
if make -C "$REPO" --no-print-directory install DESTDIR="/proc/$LEADER/root" ${STEPD_BIN_DIR:+INSTALL_BIN="$STEPD_BIN_DIR"} > "$WORK/install.log" 2>&1; then
    IN systemd-sysusers > /dev/null 2>&1
    IN systemctl daemon-reload
    verify=$(IN systemd-analyze verify /usr/local/lib/systemd/system/stepd.socket /usr/local/lib/systemd/system/stepd.service 2>&1)
    if [ -n "$verify" ]; then
        fail install "systemd-analyze verify of the installed units printed: $verify"
    elif ! IN getent group stepd >/dev/null; then
        fail install "systemd-sysusers did not create the group stepd from the installed sysusers.d file"
    else
        pass install "make install DESTDIR=/proc/<container>/root, systemd-sysusers, daemon-reload; verify clean"
    fi
else
    fail install "make install failed: $(tail -5 "$WORK/install.log" | tr '\n' ' ')"
fi

# 2. The socket listens with the right owner and mode; the service is not started yet.
if ! IN systemctl enable --now stepd.socket > "$WORK/enable.log" 2>&1; then
    fail socket "systemctl enable --now stepd.socket failed: $(tr '\n' ' ' < "$WORK/enable.log")"
else
    socket_mode=$(IN stat -c '%a %U:%G %F' /run/stepd/stepd.sock 2>&1)
    service_state=$(show stepd.service ActiveState)
    if [ "$socket_mode" != "660 root:stepd socket" ]; then
        fail socket "/run/stepd/stepd.sock is '$socket_mode', expected '660 root:stepd socket'"
    elif [ "$service_state" != inactive ]; then
        fail socket "stepd.service is '$service_state' before any connection; expected inactive (started by the socket only)"
    else
        pass socket "stepd.socket active, /run/stepd/stepd.sock 660 root:stepd, stepd.service inactive"
    fi
fi

# 3. The first stepctl call starts the service and is answered; stepd serves the socket
#    systemd made (same inode), not one of its own.
inode_before=$(IN stat -c %i /run/stepd/stepd.sock 2>/dev/null)
ACTIVATION_STARTED=$(date +%s.%N)
if answer=$(T=30 STEPCTL call Stepd.Health '{}' 2>&1); then
    took=$(elapsed "$ACTIVATION_STARTED")
    inode_after=$(IN stat -c %i /run/stepd/stepd.sock 2>/dev/null)
    if [ "$(show stepd.service ActiveState)" != active ]; then
        fail activation "stepctl was answered but stepd.service is not active: $(service_summary)"
    elif [ "$inode_before" != "$inode_after" ]; then
        fail activation "stepd replaced systemd's socket (inode $inode_before became $inode_after): it must adopt LISTEN_FDS"
    else
        pass activation "first call answered in $took, stepd.service active, socket from systemd kept"
    fi
else
    fail activation "the first stepctl call through the socket was not answered: $(echo "$answer" | tail -2 | tr '\n' ' ')" journal
fi

# 4. Who may call: root and group stepd; anyone else is refused by the socket's mode.
if need_stepd; then
    member=$(IN setpriv --reuid=nobody --regid=stepd --clear-groups stepctl --socket /run/stepd/stepd.sock call Stepd.Health '{}' 2>&1)
    member_status=$?
    stranger=$(IN setpriv --reuid=nobody --regid=nogroup --clear-groups stepctl --socket /run/stepd/stepd.sock call Stepd.Health '{}' 2>&1)
    stranger_status=$?
    if [ $member_status -ne 0 ]; then
        fail permissions "a member of group stepd was not answered (exit $member_status): $(echo "$member" | tail -1)"
    elif [ $stranger_status -eq 0 ]; then
        fail permissions "a user outside group stepd was answered; the socket must refuse it"
    else
        pass permissions "group stepd answered, others refused (exit $stranger_status)"
    fi
else
    fail permissions "not checked: stepd does not answer on its socket" journal
fi

# 5. STATUS= reaches systemd with the live figures.
STATUS_FORMAT='^[0-9]+ executions running, [0-9]+ waiting on task tokens, [0-9]+ jobs running, [0-9]+ events processed$'
if need_stepd; then
    status_text=$(show stepd.service StatusText)
    status_line=$(IN systemctl status --no-pager stepd.service 2>/dev/null | grep 'Status:')
    if ! echo "$status_text" | grep -Eq "$STATUS_FORMAT"; then
        fail status "StatusText is '$status_text'; expected '<R> executions running, <W> waiting on task tokens, <J> jobs running, <E> events processed'"
    elif [[ "$status_line" != *'waiting on task tokens'* ]]; then
        fail status "systemctl status shows no Status: line with the STATUS= text (got '$status_line')"
    else
        pass status "systemctl status: $(echo "$status_line" | sed 's/^ *//')"
    fi
else
    fail status "not checked: stepd does not answer on its socket" journal
fi

# 6. /etc/stepd (the installed example) was applied at start, with no stepctl apply.
if need_stepd; then
    if machine_exists main >/dev/null 2>&1 && machine_exists success-callback >/dev/null 2>&1; then
        pass config "the state machines of /etc/stepd (main, success-callback, ...) exist after start"
    else
        fail config "state machine 'main' does not exist after start: stepd did not apply /etc/stepd (--config)" journal
    fi
else
    fail config "not checked: stepd does not answer on its socket" journal
fi

# 7. The reference scenario, from the installed configuration folder.
if need_stepd; then
    if ! applied=$(T=60 STEPCTL apply -f /etc/stepd 2>&1); then
        fail scenario "stepctl apply -f /etc/stepd failed: $(echo "$applied" | tail -3 | tr '\n' ' ')" journal
    elif ! result=$(T=60 STEPCTL start-execution --state-machine main --input '{}' --wait 2>&1); then
        fail scenario "main did not end SUCCEEDED: $(echo "$result" | grep -E '"(status|error|cause)"' | tr -s ' \n' ' ')" journal
    elif ! IN grep -q '"hello"' /var/lib/stepd/example-flow/output/example.json 2>/dev/null; then
        fail scenario "main SUCCEEDED but the job wrote no /var/lib/stepd/example-flow/output/example.json"
    else
        pass scenario "apply -f /etc/stepd, start main --wait: SUCCEEDED; the job wrote /var/lib/stepd/example-flow/output/example.json"
    fi
else
    fail scenario "not checked: stepd does not answer on its socket" journal
fi

# 8. The journal: stepd's own entries are native (structured fields), the job's output is
#    filed under the job's name. A failing execution logs a warning naming the execution, its
#    state machine and the state that failed.
if need_stepd; then
    T=30 STEPCTL create-state-machine --name journal-probe --role-arn arn:aws:iam::000000000000:role/probe \
        --definition '{"StartAt": "Boom", "States": {"Boom": {"Type": "Fail", "Error": "Probe.Failed", "Cause": "journal check"}}}' >/dev/null 2>&1
    T=30 STEPCTL start-execution --state-machine journal-probe --input '{}' --wait >/dev/null 2>&1
fi
# journald reads the streams on its own schedule: wait (at most 10 s) for the job's line and
# the probe's failure to be filed before reading the whole journal once. The job's lines are
# looked up by identifier only, as the README shows: journald names the unit of a stream's
# line from the writer's /proc entry, and a job that writes its last line and exits at once
# is often gone by then (the line is filed with _PID but no _SYSTEMD_UNIT).
job_output_filed() { IN journalctl -t example-flow -o cat --no-pager 2>/dev/null | grep -q 'stepd-example-flow'; }
probe_failure_filed() { IN journalctl -u stepd.service -o json --no-pager 2>/dev/null | grep -q '"STATE_NAME" *: *"Boom"'; }
until_true 10 job_output_filed
until_true 10 probe_failure_filed
IN journalctl -u stepd.service -o json --no-pager > "$WORK/journal.json" 2>/dev/null
has_field() { grep -Eq "\"$1\" *: *\"${2:-[^\"]}" "$WORK/journal.json"; }
missing=
for field in EXECUTION_ARN STATE_MACHINE STATE_NAME JOB_ID; do has_field "$field" || missing="$missing $field"; done
has_field STATE_MACHINE journal-probe || missing="$missing STATE_MACHINE=journal-probe"
has_field STATE_NAME Boom || missing="$missing STATE_NAME=Boom"
seen_optional=
for field in EVENT_ID; do has_field "$field" && seen_optional="$seen_optional $field"; done
native=$(grep -E '"SYSLOG_IDENTIFIER" *: *"stepd"' "$WORK/journal.json" | grep -cE '"_TRANSPORT" *: *"journal"')
job_lines=$(IN journalctl -t example-flow -o cat --no-pager 2>/dev/null | grep -c 'stepd-example-flow')
if [ ! -s "$WORK/journal.json" ]; then
    fail journal "journalctl -u stepd -o json printed nothing"
elif [ "$native" -eq 0 ]; then
    fail journal "no entry with SYSLOG_IDENTIFIER=stepd and _TRANSPORT=journal: stepd does not log natively to the journal ($(grep -E '"SYSLOG_IDENTIFIER" *: *"stepd"' "$WORK/journal.json" | grep -cE '"_TRANSPORT" *: *"stdout"') of its entries came through stdout/stderr)"
elif [ -n "$missing" ]; then
    fail journal "stepd's entries lack the field(s)$missing (seen: $(grep -o '"[A-Z_]*" *:' "$WORK/journal.json" | grep -v '"_' | tr -d '": ' | sort -u | paste -sd' '))"
elif [ "$job_lines" -eq 0 ]; then
    fail journal "no journal entry with SYSLOG_IDENTIFIER=example-flow holding the job's output (journalctl -t example-flow)"
else
    pass journal "$native native entries (SYSLOG_IDENTIFIER=stepd) with EXECUTION_ARN, STATE_MACHINE, STATE_NAME (the failed journal-probe), JOB_ID${seen_optional:+,$seen_optional}; job output under example-flow ($job_lines lines)"
fi

# 9. systemctl reload re-reads /etc/stepd without a restart.
if need_stepd; then
    pid_before=$(show stepd.service MainPID)
    put /etc/stepd/reload-probe.asl.json <<'EOF'
{"StartAt": "Done", "States": {"Done": {"Type": "Succeed"}}}
EOF
    if ! reload_output=$(IN systemctl reload stepd.service 2>&1); then
        fail reload "systemctl reload stepd failed: $reload_output" journal
    elif ! until_true 20 machine_exists reload-probe; then
        pid_after=$(show stepd.service MainPID)
        fail reload "20 s after systemctl reload, the state machine reload-probe dropped in /etc/stepd does not exist$(
            [ "$pid_after" = "$pid_before" ] || echo " (and SIGHUP ended stepd: MainPID $pid_before became $pid_after)")" journal
    elif [ "$(show stepd.service MainPID)" != "$pid_before" ]; then
        fail reload "stepd was restarted (MainPID $pid_before became $(show stepd.service MainPID)), not reloaded"
    else
        pass reload "reload-probe.asl.json dropped in /etc/stepd appears after systemctl reload; same MainPID"
    fi
    IN rm -f /etc/stepd/reload-probe.asl.json
else
    fail reload "not checked: stepd does not answer on its socket" journal
fi

# 10 and 11. systemctl stop leaves a suspended execution resumable, and running jobs alive
#     (KillMode=process). `park` waits on a task token that `park-child` stores in the
#     example's TaskTokens table under the execution's name; a flow report event for that
#     name makes the example's success rule send the token back.
put /srv/stepd-test/park-child.asl.json <<'EOF'
{"StartAt": "Store", "States": {"Store": {"Type": "Task", "Resource": "arn:aws:states:::dynamodb:putItem",
  "Parameters": {"TableName": "TaskTokens", "Item": {"ExecutionId": {"S.$": "$.id"}, "Token": {"S.$": "$.token"}}},
  "End": true}}}
EOF
put /srv/stepd-test/park.asl.json <<'EOF'
{"StartAt": "Wait", "States": {"Wait": {"Type": "Task",
  "Resource": "arn:aws:states:::states:startExecution.waitForTaskToken",
  "Parameters": {"StateMachineArn": "arn:aws:states:local:000000000000:stateMachine:park-child",
    "Input": {"id.$": "$$.Execution.Name", "token.$": "$$.Task.Token"}},
  "End": true}}}
EOF
put /srv/stepd-test/sleeper.job.json <<'EOF'
{"Name": "sleeper", "Command": ["sleep", "600"], "WorkingDirectory": "/", "TimeoutSeconds": 900}
EOF
put /srv/stepd-test/sleeper-run.asl.json <<'EOF'
{"StartAt": "Run", "States": {"Run": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:appflow:startFlow",
  "Parameters": {"FlowName": "sleeper"}, "End": true}}}
EOF
# Over the socket PutEvents refuses aws.* sources (only the spool emits a job's report), so
# the test resumes park-1 through a rule of its own on a source of its own.
put /srv/stepd-test/resume.rule.json <<'EOF'
{"Name": "test-resume", "EventPattern": {"source": ["test.resume"]},
  "Targets": [{"Id": "success-callback", "Arn": "arn:aws:states:local:000000000000:stateMachine:success-callback"}]}
EOF
put /srv/stepd-test/resume.events.json <<'EOF'
[{"Source": "test.resume", "DetailType": "Resume",
  "Detail": "{\"flow-name\": \"example-flow\", \"status\": \"Execution Successful\", \"execution-id\": \"park-1\"}"}]
EOF
PARK=$ARN_PREFIX:execution:park:park-1
job_pid=
if ! need_stepd; then
    fail stop-resume "not checked: stepd does not answer on its socket" journal
    fail jobs-outlive-stop "not checked: stepd does not answer on its socket"
elif ! prepared=$(T=60 STEPCTL apply -f /srv/stepd-test 2>&1); then
    fail stop-resume "stepctl apply -f /srv/stepd-test failed: $(echo "$prepared" | tail -2 | tr '\n' ' ')" journal
    fail jobs-outlive-stop "not checked: the test's definitions could not be applied"
else
    T=15 STEPCTL start-execution --state-machine park --name park-1 --input '{}' > /dev/null 2>&1
    T=30 STEPCTL call Stepd.WaitUntilIdle '{}' > /dev/null 2>&1
    T=30 STEPCTL start-execution --state-machine sleeper-run --input '{}' --wait > /dev/null 2>&1
    until_true 15 IN pgrep -u stepd -x sleep
    job_pid=$(IN pgrep -u stepd -x sleep | head -1)
    parked=$(execution_status "$PARK")
    stored=$(T=15 STEPCTL call DynamoDB_20120810.GetItem '{"TableName": "TaskTokens", "Key": {"ExecutionId": {"S": "park-1"}}}' 2>&1)
    if [ "$parked" != RUNNING ] || [ "$(echo "$stored" | grep -c Token)" -eq 0 ]; then
        fail stop-resume "park-1 did not suspend on its task token before the stop (status '$parked', token row: $(echo "$stored" | tr -s ' \n' ' '))" journal
    else
        stop_output=$(T=120 IN systemctl stop stepd.service 2>&1)
        stop_state="$(show stepd.service ActiveState) $(show stepd.service Result) $(show stepd.service ExecMainStatus)"
        if [ "$stop_state" != "inactive success 0" ]; then
            fail stop-resume "systemctl stop stepd: expected 'inactive success 0' (ActiveState Result ExecMainStatus), got '$stop_state' $stop_output" journal
        elif ! T=15 STEPCTL put-events --entries file:///srv/stepd-test/resume.events.json > "$WORK/put-events.log" 2>&1; then
            fail stop-resume "after the stop, put-events (which starts stepd again through the socket) failed: $(tail -2 "$WORK/put-events.log" | tr '\n' ' ')" journal
        elif ! resumed=$(T=30 STEPCTL wait-execution --execution-arn "$PARK" 2>&1); then
            fail stop-resume "park-1 did not end SUCCEEDED after the restart and its event: $(echo "$resumed" | grep -E '"(status|error|cause)"' | tr -s ' \n' ' ')" journal
        else
            pass stop-resume "systemctl stop (Result=success), start through the socket, the token's event resumed park-1: SUCCEEDED"
        fi
    fi
    if [ -z "$job_pid" ]; then
        fail jobs-outlive-stop "the job 'sleeper' (sleep 600 as user stepd) never ran" journal
    elif IN kill -0 "$job_pid" 2>/dev/null; then
        pass jobs-outlive-stop "the job started before systemctl stop (pid $job_pid) still runs after it"
    else
        fail jobs-outlive-stop "the job started before systemctl stop (pid $job_pid) is gone: the stop killed it (KillMode)"
    fi
    [ -z "$job_pid" ] || IN kill "$job_pid" 2>/dev/null
fi

# 12. The watchdog: a healthy stepd is left alone; a frozen one is killed and restarted, and
#     serves again. WatchdogSec=3s for this check only (a runtime drop-in).
WATCHDOG_DROPIN=/run/systemd/system/stepd.service.d/50-test-watchdog.conf
put "$WATCHDOG_DROPIN" <<'EOF'
[Service]
WatchdogSec=3s
# The frozen stepd gets SIGABRT: no core file from this test (the kernel's core_pattern is
# the host's).
LimitCORE=0
EOF
IN systemctl daemon-reload
IN systemctl restart stepd.service > /dev/null 2>&1
if ! need_stepd; then
    fail watchdog "not checked: stepd does not answer on its socket after a restart with WatchdogSec=3s" journal
else
    pid_before=$(show stepd.service MainPID)
    restarts_before=$(show stepd.service NRestarts)
    sleep 7   # more than two watchdog periods: a stepd that does not ping would be killed
    if [ "$(show stepd.service MainPID)" != "$pid_before" ] || [ "$(show stepd.service NRestarts)" != "$restarts_before" ]; then
        fail watchdog "a healthy stepd was killed within 7 s of WatchdogSec=3s: it does not send WATCHDOG=1 (WATCHDOG_USEC/2)" journal
    else
        IN kill -STOP "$pid_before"
        FROZEN=$(date +%s.%N)
        restarted() { [ "$(show stepd.service NRestarts)" -gt "$restarts_before" ] && [ "$(show stepd.service ActiveState)" = active ]; }
        if ! until_true 40 restarted; then
            fail watchdog "40 s after kill -STOP, stepd.service was not restarted" journal
            IN kill -CONT "$pid_before" 2>/dev/null
        elif [ "$(IN journalctl -u stepd.service --no-pager -o cat | grep -c "Failed with result 'watchdog'")" -eq 0 ]; then
            fail watchdog "stepd.service was restarted, but not for its watchdog: the journal has no \"Failed with result 'watchdog'\"" journal
        elif ! answers; then
            fail watchdog "restarted after the watchdog timeout but does not answer on its socket" journal
        else
            backtraces=$(IN journalctl -u stepd.service --no-pager -o cat | grep -c 'Program crashed')
            pass watchdog "healthy for 7 s; frozen (SIGSTOP), killed by the watchdog and restarted in $(elapsed "$FROZEN"), serves again; Swift backtraces in the journal: $backtraces"
        fi
    fi
fi
IN rm -f "$WATCHDOG_DROPIN"
IN systemctl daemon-reload

echo "test-systemd: checks took $(elapsed "$CHECKS_STARTED"), $(elapsed "$STARTED") in all"
IN systemctl stop stepd.socket stepd.service > /dev/null 2>&1
[ "$FAILED" -eq 0 ] || echo "test-systemd: failed:$FAILED_NAMES"
echo "test-systemd: $PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ]
