#!/usr/bin/env bash
# make slurm-demo: the README's Slurm job array, run for real on a one-node Slurm cluster started
# here on 127.0.0.1 (README, "Running on a cluster").
#
# 1. Installs Debian's slurmctld, slurmd, slurm-client and slurm-wlm-basic-plugins when missing,
#    without starting any system service (a policy-rc.d that refuses every start is put in place
#    for the install when the machine has none).
# 2. Writes a one-node configuration in a temporary directory (auth/none and cred/none, so no
#    munge; ports on 127.0.0.1; state, spool and logs in that directory) and starts slurmctld and
#    slurmd from it in the foreground of this script; exactly those two processes are stopped at
#    the end, on failure and on Ctrl-C too.
# 3. Scenario 1: submits scripts/slurm/bootstrap.sbatch (fit --bootstrap 1000 --shard auto, 4
#    tasks) and scripts/slurm/merge.sbatch with --dependency=afterany on it, waits (bounded), and
#    compares the merged report with a single run of the same command (cmp).
# 4. Scenario 2: the same array with task 2 failing on purpose (a wrapper in front of obsscale
#    exits 1 for that task, as a crashed node would); the merge job says which part is missing and
#    how to recompute it; task 2 is resubmitted alone (sbatch --array=2) and the merge succeeds,
#    identical to the single run again.
#
# Environment: OBSSCALE_BIN (default .build/release/obsscale, built by `make slurm-demo`),
# SLURM_DEMO_TIMEOUT (seconds per wait, default 300), SLURM_DEMO_KEEP=1 keeps the temporary
# directory. Needs root (or sudo) for the install and for Slurm's SlurmUser=root.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
bin=$(realpath "${OBSSCALE_BIN:-$repo/.build/release/obsscale}")
timeout=${SLURM_DEMO_TIMEOUT:-300}
started=$(date +%s)
[ -x "$bin" ] || { echo "slurm-demo: no obsscale binary at $bin (make release, or set OBSSCALE_BIN)" >&2; exit 1; }
if [ "$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi

# --- 1. Slurm, installed without starting services -------------------------------------------
plugins=/usr/lib/x86_64-linux-gnu/slurm-wlm
if ! command -v slurmctld >/dev/null || ! command -v slurmd >/dev/null || ! command -v sbatch >/dev/null ||
    ! ls "$plugins"/auth_none.so "$plugins"/cred_none.so >/dev/null 2>&1; then
    echo "slurm-demo: installing slurmctld slurmd slurm-client slurm-wlm-basic-plugins (apt-get; no service is started)"
    policy=/usr/sbin/policy-rc.d
    own_policy=0
    if [ ! -e "$policy" ]; then
        # invoke-rc.d and deb-systemd-invoke ask policy-rc.d before starting a service; 101 = refused.
        printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$policy" >/dev/null
        $SUDO chmod 755 "$policy"
        own_policy=1
    fi
    status=0
    { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends \
        slurmctld slurmd slurm-client slurm-wlm-basic-plugins >/dev/null; } || status=$?
    if [ "$own_policy" = 1 ]; then $SUDO rm -f "$policy"; fi
    [ "$status" = 0 ] || { echo "slurm-demo: apt-get install failed ($status)" >&2; exit 1; }
fi
echo "slurm-demo: $(slurmctld -V) on $(hostname -s), $(nproc) CPUs"

# --- 2. A one-node cluster on 127.0.0.1 in a temporary directory -------------------------------
tmp=$(mktemp -d /tmp/obsscale-slurm-demo.XXXXXX)
node=$(hostname -s)
pids=()
cleanup() {
    status=$?
    trap - EXIT INT TERM
    if [ "${#pids[@]}" -gt 0 ]; then
        # Jobs still in this private cluster (after a failure or Ctrl-C) are cancelled, and each
        # job's slurmstepd (a child of slurmd that removes its socket in the spool directory when
        # it exits) is given up to 10 s to finish before the daemons are stopped.
        scancel --user="$(id -un)" 2>/dev/null || true
        for _ in $(seq 50); do compgen -G "$tmp/spool/${node}_*" >/dev/null || break; sleep 0.2; done
    fi
    for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if [ "$status" != 0 ]; then
        echo "slurm-demo: FAILED (exit $status); Slurm's logs:" >&2
        tail -n 20 "$tmp"/log/*.log >&2 2>/dev/null || true
    fi
    if [ "${SLURM_DEMO_KEEP:-0}" = 1 ]; then echo "slurm-demo: kept $tmp"; else rm -rf "$tmp"; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$tmp/state" "$tmp/spool" "$tmp/log" "$tmp/work"
# Two free ports on 127.0.0.1 (asked of the kernel, so another cluster or demo cannot clash).
read -r ctld_port slurmd_port < <(python3 -c '
import socket
sockets = [socket.socket() for _ in range(2)]
for s in sockets: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in sockets))')
memory=$(awk '/MemTotal/ { print int($2 / 1024 * 0.9) }' /proc/meminfo)
export SLURM_CONF="$tmp/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=obsscale-demo
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$ctld_port
SlurmdPort=$slurmd_port
AuthType=auth/none
CredType=cred/none
SlurmUser=root
SlurmdUser=root
ProctrackType=proctrack/pgid
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
MailProg=/bin/true
ReturnToService=2
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=$memory State=UNKNOWN
PartitionName=demo Nodes=$node Default=YES MaxTime=INFINITE State=UP
EOF
# -D: in the foreground of a background job of this script, so $! is the daemon's own PID.
slurmctld -D -i -f "$SLURM_CONF" >>"$tmp/log/slurmctld.out" 2>&1 &
pids+=($!)
slurmd -D -N "$node" -f "$SLURM_CONF" >>"$tmp/log/slurmd.out" 2>&1 &
pids+=($!)
echo "slurm-demo: slurmctld (pid ${pids[0]}) and slurmd (pid ${pids[1]}) on 127.0.0.1:$ctld_port/$slurmd_port, configuration $SLURM_CONF"

# Waits until `condition` (a command) succeeds, at most $timeout seconds.
wait_for() {
    local what=$1
    shift
    local deadline=$(($(date +%s) + timeout))
    until "$@"; do
        for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || { echo "slurm-demo: a Slurm daemon (pid $pid) stopped" >&2; return 1; }; done
        if [ "$(date +%s)" -ge "$deadline" ]; then echo "slurm-demo: timed out after ${timeout}s waiting for $what" >&2; return 1; fi
        sleep 1
    done
}
node_idle() { [ "$(sinfo -h -n "$node" -o %T 2>/dev/null)" = "idle" ]; }
job_ended() { [ -z "$(squeue -h -j "$1" 2>/dev/null)" ] && scontrol show job "$1" >/dev/null 2>&1; }
job_state() { scontrol show job "$1" | sed -n 's/.*JobState=\([A-Z_]*\).*/\1/p' | head -n 1; }
wait_for "the node to be idle" node_idle
echo "slurm-demo: node $node is idle ($(sinfo -h -o '%P %a %D %T %N'))"

# Submits a script (arguments as for sbatch), printing Slurm's own line; sets $job to its id.
submit() {
    local line
    line=$(sbatch "$@")
    echo "$line"
    job=${line##* }
}

work="$tmp/work"
ln -s "$repo/data" "$work/data"
cp "$repo/scripts/slurm/bootstrap.sbatch" "$repo/scripts/slurm/merge.sbatch" "$work/"
cd "$work"
# The jobs find obsscale on the PATH they inherit (sbatch exports the submitting environment).
mkdir -p "$tmp/bin"
ln -s "$bin" "$tmp/bin/obsscale"
export PATH="$tmp/bin:$PATH"

echo
echo "== Scenario 1: the array job (4 tasks) and its merge"
echo "\$ sbatch bootstrap.sbatch"
submit bootstrap.sbatch
array=$job
echo "\$ sbatch --dependency=afterany:$array merge.sbatch"
submit --dependency=afterany:"$array" merge.sbatch
merge=$job
wait_for "the merge job $merge" job_ended "$merge"
for task in 0 1 2 3; do sed 's/^/  task '"$task"': /' "slurm-${array}_$task.out"; done
sed 's/^/  merge: /' "slurm-$merge-merge.out"
[ "$(job_state "$merge")" = COMPLETED ] || { echo "slurm-demo: the merge job ended $(job_state "$merge")" >&2; exit 1; }
# The command the parts recorded (ReportPart.arguments: without --shard, --json, --threads).
mapfile -d '' arguments < <(python3 -c 'import json, sys; print("\0".join(json.load(open(sys.argv[1]))["arguments"]), end="")' parts/part-0.json)
echo "\$ obsscale ${arguments[*]} --json single.json   # the same run in one process"
obsscale "${arguments[@]}" --json single.json --quiet
cmp fit.json single.json
echo "slurm-demo: scenario 1: the merged report fit.json is identical to the single run's (cmp: $(wc -c <fit.json) bytes)"

echo
echo "== Scenario 2: task 2 fails; the merge names its part; task 2 is resubmitted alone"
rm -rf parts fit.json slurm-*.out
# A wrapper in front of obsscale that fails task 2, as a crashed node would.
mkdir -p "$tmp/failing"
cat >"$tmp/failing/obsscale" <<EOF
#!/bin/sh
if [ "\${SLURM_ARRAY_TASK_ID:-}" = 2 ]; then echo "obsscale not run: a simulated failure of this task (exit 1)" >&2; exit 1; fi
exec "$bin" "\$@"
EOF
chmod +x "$tmp/failing/obsscale"
echo "\$ sbatch bootstrap.sbatch   # with task 2 failing"
line=$(PATH="$tmp/failing:$PATH" sbatch bootstrap.sbatch)
echo "$line"
array=${line##* }
echo "\$ sbatch --dependency=afterany:$array merge.sbatch"
submit --dependency=afterany:"$array" merge.sbatch
merge=$job
wait_for "the merge job $merge" job_ended "$merge"
echo "task states: $(for task in 0 1 2 3; do printf '%s=%s ' "$task" "$(job_state "${array}_$task")"; done)"
sed 's/^/  task 2: /' "slurm-${array}_2.out"
echo "merge job $merge ended $(job_state "$merge"); its output (slurm-$merge-merge.out):"
cat "slurm-$merge-merge.out"
[ "$(job_state "$merge")" = FAILED ] && grep -q "sbatch --array=2 " "slurm-$merge-merge.out" ||
    { echo "slurm-demo: the merge did not report part 2 as missing" >&2; exit 1; }
echo "\$ sbatch --array=2 bootstrap.sbatch"
submit --array=2 bootstrap.sbatch
rerun=$job
echo "\$ sbatch --dependency=afterok:$rerun merge.sbatch"
submit --dependency=afterok:"$rerun" merge.sbatch
merge=$job
wait_for "the merge job $merge" job_ended "$merge"
sed 's/^/  task 2 again: /' "slurm-${rerun}_2.out"
sed 's/^/  merge: /' "slurm-$merge-merge.out"
[ "$(job_state "$merge")" = COMPLETED ] || { echo "slurm-demo: the merge job ended $(job_state "$merge")" >&2; exit 1; }
cmp fit.json single.json
echo "slurm-demo: scenario 2: after the rerun, fit.json is identical to the single run's again (cmp)"
echo "slurm-demo: done in $(($(date +%s) - started)) s"
