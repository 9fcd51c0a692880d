#!/bin/bash
# hpcbench job for scenario 'cancellation'; rendered by hpcbench X.Y.Z (`hpcbench sbatch`): re-render instead of editing.
# Nodes: 1 server + 2 client + 0 monitor. Every node is sized for the
# largest role (GPUs, CPUs, memory); each component runs as its own srun step with its role's share.
#SBATCH --job-name=hpcbench-cancellation
#SBATCH --nodes=3
#SBATCH --ntasks-per-node=1
#SBATCH --cpus-per-task=1
#SBATCH --mem=4G
#SBATCH --time=02:00:00
#SBATCH --exclusive
#SBATCH --output=/scratch/hpcbench/results/cancellation_20260101T000000Z/slurm/job-%j.out
#SBATCH --error=/scratch/hpcbench/results/cancellation_20260101T000000Z/slurm/job-%j.err
#SBATCH --signal=B:TERM@120
set -uo pipefail

RESULTS_DIR=/scratch/hpcbench/results/cancellation_20260101T000000Z
HPCBENCH=(/opt/node/bin/node /opt/hpcbench/bin/hpcbench.js)

# hpcbench splits the allocation into roles, starts every server, executor and monitor as an
# `srun --overlap` step and runs the benchmark phases. TERM (scancel, or the time limit through
# --signal) is forwarded: the workload stops, results are written and every step is stopped.
"${HPCBENCH[@]}" slurm-job "$RESULTS_DIR" &
child=$!
trap 'kill -TERM "$child" 2>/dev/null' TERM INT
while :; do
  wait "$child"
  status=$?
  kill -0 "$child" 2>/dev/null || break
done
exit "$status"
