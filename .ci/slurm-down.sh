#!/bin/bash
# Stop the CI Slurm cluster started by .ci/slurm-up.sh: daemons by PID (their pid files), never by name.
# munged is stopped only when slurm-up.sh started it.
BASE=${BASE:-/tmp/slurm-ci}
scancel --user=root 2>/dev/null || true
for f in "$BASE"/run/slurmd-*.pid "$BASE"/run/slurmctld.pid "$BASE"/run/slurmdbd.pid "$BASE"/run/mariadb.pid; do
  [ -s "$f" ] || continue; pid=$(cat "$f")
  kill "$pid" 2>/dev/null && echo "stopped $(basename "$f" .pid) pid $pid"
done
[ -e "$BASE/run/munged.ours" ] && [ -s /run/munge/munged.pid ] && rm -f "$BASE/run/munged.ours" && pid=$(cat /run/munge/munged.pid) && kill "$pid" 2>/dev/null && echo "stopped munged pid $pid"
sleep 1
