#!/usr/bin/env bash
# Tests `nestnet sweep --slurm` end to end on a real one-node Slurm (Debian's slurmctld, slurmd
# and munge), started here on localhost in a throw-away folder and stopped at the end:
#
#   1. a tiny sweep (8 runs of ~10 s) is submitted as an array job, two tasks at a time;
#   2. one task is cancelled mid-run (scancel: it saves its training state) and requeued;
#      another is requeued while running (scontrol requeue); both resume from their state;
#   3. `--slurm --wait` attaches to the running array, waits, and builds the report;
#   4. the merged results.csv equals a local sequential run of the same sweep row for row
#      (timing columns aside: training is deterministic), and so does the GNU parallel route
#      (`--list-jobs | parallel -j 2`);
#   5. sweep.json kept every task's invocation (tasks append to it at once, under a lock).
#
#   scripts/test-slurm.sh        # NESTNET=path/to/nestnet to test a given binary
#
# Installs Slurm with apt-get when it is missing and this is root; where it cannot be
# installed, it says so and exits 77 (skipped), never 0.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PATH:/usr/sbin:/sbin"
skip() { echo "test-slurm: SKIPPED: $*" >&2; exit 77; }

need=(munged slurmctld slurmd sbatch squeue scontrol scancel sinfo parallel)
missing() { for c in "${need[@]}"; do command -v "$c" >/dev/null || return 0; done; return 1; }
if missing; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "test-slurm: installing Slurm, munge and GNU parallel (Debian packages)" >&2
    export DEBIAN_FRONTEND=noninteractive
    { apt-get install -y -qq slurmctld slurmd slurm-client munge parallel || { apt-get update -qq && apt-get install -y -qq slurmctld slurmd slurm-client munge parallel; }; } >/dev/null 2>&1 \
      || skip "apt-get could not install slurmctld slurmd slurm-client munge parallel"
  fi
  missing && skip "needs ${need[*]} (Debian: apt-get install slurmctld slurmd slurm-client munge parallel)"
fi

WORK=$(mktemp -d /tmp/nestnet-slurm.XXXXXX)
chmod 755 "$WORK"
export SLURM_CONF="$WORK/etc/slurm.conf"
PIDS=()
cleanup() {
  scancel --quiet --user "$(id -un)" 2>/dev/null || true
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  [ -f "$WORK/munge/munged.pid" ] && kill "$(cat "$WORK/munge/munged.pid")" 2>/dev/null || true
  sleep 0.5
  rm -rf "$WORK"
}
trap cleanup EXIT
dump() {
  for f in "$WORK"/log/*.log "$WORK"/slurm/slurm/logs/*.log; do
    [ -f "$f" ] && { echo "--- $f (last lines)"; tail -n 15 "$f"; }
  done >&2
}
fail() { echo "test-slurm: FAIL: $*" >&2; dump; exit 1; }

if [ -n "${NESTNET:-}" ]; then N=$(realpath "$NESTNET"); else
  scripts/install.sh "$WORK/prefix" >/dev/null 2>&1 || fail "scripts/install.sh failed"
  N="$WORK/prefix/bin/nestnet"
fi

# munge: a key of our own, a socket in our folder.
mkdir -p "$WORK/munge" "$WORK/etc" "$WORK/state" "$WORK/spool" "$WORK/log"
chmod 700 "$WORK/munge"
head -c 1024 /dev/urandom > "$WORK/munge/munge.key"; chmod 400 "$WORK/munge/munge.key"
munged --force --key-file="$WORK/munge/munge.key" --socket="$WORK/munge/munge.socket" \
  --pid-file="$WORK/munge/munged.pid" --log-file="$WORK/log/munged.log" --seed-file="$WORK/munge/munged.seed" \
  || fail "munged did not start"

HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(( $(awk '/MemTotal/ {print $2}' /proc/meminfo) / 2048 ))  # half the memory, in MB
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
CTLD_PORT=$(port); SLURMD_PORT=$(port)
cat > "$SLURM_CONF" <<CONF
ClusterName=nestnet-test
SlurmctldHost=$HOST(127.0.0.1)
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
SlurmUser=$(id -un)
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$WORK/munge/munge.socket
StateSaveLocation=$WORK/state
SlurmdSpoolDir=$WORK/spool
SlurmctldPidFile=$WORK/slurmctld.pid
SlurmdPidFile=$WORK/slurmd.pid
SlurmctldLogFile=$WORK/log/slurmctld.log
SlurmdLogFile=$WORK/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
MpiDefault=none
ReturnToService=2
KillWait=30
MinJobAge=600
SlurmdTimeout=60
NodeName=$HOST NodeAddr=127.0.0.1 CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -D -i >"$WORK/log/slurmctld.out" 2>&1 & PIDS+=($!)
slurmd -D -N "$HOST" >"$WORK/log/slurmd.out" 2>&1 & PIDS+=($!)
for _ in $(seq 120); do
  state=$(sinfo -h -N -o %T 2>/dev/null | head -1 || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || fail "the node did not come up (sinfo: '${state:-no answer}')"
echo "test-slurm: Slurm $(sinfo -V | awk '{print $2}') up on $HOST ($CPUS CPUs), munge $(munged -V | awk '{print $1}' | sed 's/munge-//')" >&2

# The sweep: 8 runs of about 10 s each, one thread each.
SW=(--languages dyck1 --archs rnn,lstm --train-lengths 16,32 --seeds 1,2 --hidden 8 --embed 4 --epochs 3
    --examples-per-epoch 120000 --test-lengths 16,32,64 --test-count 200 --valid-count 200
    --probe-count 4 --probe-length 32 --threads 1)
OUT="$WORK/slurm"
submitted=$("$N" sweep --out "$OUT" "${SW[@]}" --slurm --slurm-max-running 2 --slurm-time 10:00 --slurm-mem 400M) \
  || fail "submission failed: $submitted"
echo "test-slurm: $submitted" >&2
JOB=$(echo "$submitted" | sed -n 's/^submitted Slurm array job \([0-9]*\):.*/\1/p')
[ -n "$JOB" ] || fail "no job id in: $submitted"
grep -q "^#SBATCH --array=0-7%2$" "$OUT/slurm/array.sbatch" || fail "the script is not an 8-task array, 2 at a time"
grep -q "^#SBATCH --mem=400M$" "$OUT/slurm/array.sbatch" || fail "--slurm-mem did not reach the script"
run_of() { awk -F'\t' -v i="$1" '$1 == i {print $2}' "$OUT/slurm/tasks.tsv"; }
task_state() { squeue -h --array -j "${JOB}_$1" -o %T 2>/dev/null | head -1; }

# Waits until task $1 is running with a training state saved (mid-run).
mid_run() {
  local run; run=$(run_of "$1")
  for _ in $(seq 600); do
    if [ "$(task_state "$1")" = RUNNING ] && [ -f "$OUT/runs/$run/train.state" ] && [ ! -f "$OUT/runs/$run/result.json" ]; then return 0; fi
    sleep 0.1
  done
  fail "task $1 ($run) was never seen mid-run"
}

# Cancel task 0 mid-run, then requeue it.
mid_run 0
scancel "${JOB}_0"
for _ in $(seq 300); do [ -z "$(task_state 0)" ] && break; sleep 0.1; done
[ -z "$(task_state 0)" ] || fail "task 0 is still queued after scancel"
run0=$(run_of 0)
[ -f "$OUT/runs/$run0/train.state" ] || fail "the cancelled task left no training state"
[ ! -f "$OUT/runs/$run0/result.json" ] || fail "the cancelled task finished anyway (too quick to test)"
grep -q "stopped by SIGTERM; the training state is saved" "$OUT/slurm/logs/${JOB}_0.log" || fail "the cancelled task did not save its state on SIGTERM"
scontrol requeue "${JOB}_0" || fail "scontrol requeue ${JOB}_0 failed"
echo "test-slurm: task 0 ($run0) cancelled mid-run with its state saved, and requeued" >&2

# Requeue task 1 while it runs.
mid_run 1
scontrol requeue "${JOB}_1" || fail "scontrol requeue ${JOB}_1 failed"
echo "test-slurm: task 1 ($(run_of 1)) requeued while running" >&2

# A second submission while the array runs would put two tasks on one run: refused.
if "$N" sweep --out "$OUT" "${SW[@]}" --slurm > "$WORK/again.log" 2>&1; then fail "a second submission was accepted while job $JOB runs"; fi
grep -q "still has tasks queued or running" "$WORK/again.log" || fail "unexpected refusal: $(cat "$WORK/again.log")"

# Wait for the array (attaching to it) and build the report.
"$N" sweep --out "$OUT" "${SW[@]}" --slurm --wait --poll-seconds 1 > "$WORK/wait.log" 2>&1 || { cat "$WORK/wait.log" >&2; fail "--wait failed"; }
grep -q "8 runs → " "$WORK/wait.log" || { cat "$WORK/wait.log" >&2; fail "--wait did not build the report"; }
[ -f "$OUT/index.md" ] || fail "no report"
for t in 0 1; do
  grep -q "resuming from its training state" "$OUT/slurm/logs/${JOB}_$t.log" || fail "task $t did not resume from its training state"
done

# The same sweep here, one run after another, and through GNU parallel.
"$N" sweep --out "$WORK/local" "${SW[@]}" --quiet || fail "the local sweep failed"
"$N" sweep --out "$WORK/parallel" "${SW[@]}" --list-jobs | parallel --will-cite -j 2 || fail "the GNU parallel route failed"
"$N" report "$WORK/parallel" > /dev/null || fail "nestnet report failed on the parallel folder"
strip_time() { cut -d, -f1-11,14- "$1"; }  # train_seconds and tokens_per_sec differ run to run
rows=$(($(wc -l < "$WORK/local/results.csv") - 1))
[ "$rows" = 24 ] || fail "the local sweep has $rows rows, not 8 runs × 3 test lengths"
diff <(strip_time "$WORK/local/results.csv") <(strip_time "$OUT/results.csv") > "$WORK/diff" || { cat "$WORK/diff" >&2; fail "Slurm results differ from the local run"; }
diff <(strip_time "$WORK/local/results.csv") <(strip_time "$WORK/parallel/results.csv") > "$WORK/diff" || { cat "$WORK/diff" >&2; fail "GNU parallel results differ from the local run"; }

# Every task's start was recorded: 8 tasks + 2 restarts, appended concurrently.
n=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["invocations"]))' "$OUT/sweep.json")
[ "$n" -ge 10 ] || fail "sweep.json holds $n invocations, fewer than 8 tasks + 2 restarts"
echo "test-slurm: OK (8-task array on Slurm: cancel + requeue and requeue-while-running resumed from saved states; results.csv equals the local sequential run and the GNU parallel route row for row, $rows rows; $n invocations recorded)"
