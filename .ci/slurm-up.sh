#!/bin/bash
# The CI Slurm cluster: a single-machine Slurm 22.05 "cluster" of N emulated nodes (n1..nN, Debian's
# multiple-slurmd build) with fake GPUs, without systemd. Used by test/slurm-cluster/ and .ci/run.
# Needs root. Installs the Debian packages when missing (slurmctld slurmd slurm-client munge
# [+ slurmdbd mariadb-server for sacct]). Idempotent: a running cluster is left as it is.
# Env: NNODES (3) GPUS_PER_NODE (4, 0=none) WITH_DBD (0|1) BASE (/tmp/slurm-ci)
# Stop it with .ci/slurm-down.sh (by PID files, never by process name).
set -euo pipefail
need=(slurmctld slurmd slurm-client munge)
missing=()
for p in "${need[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if [ "${WITH_DBD:-0}" = 1 ]; then for p in slurmdbd mariadb-server; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done; fi
if [ "${#missing[@]}" -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi
BASE_DEFAULT=/tmp/slurm-ci
if [ -s "${BASE:-$BASE_DEFAULT}/run/slurmctld.pid" ] && kill -0 "$(cat "${BASE:-$BASE_DEFAULT}/run/slurmctld.pid")" 2>/dev/null \
   && sinfo -h >/dev/null 2>&1; then
  echo "slurm-up: cluster already running (slurmctld pid $(cat "${BASE:-$BASE_DEFAULT}/run/slurmctld.pid"))"
  sinfo -N -o "%N %T %c %m %G"
  exit 0
fi
NNODES=${NNODES:-3}; GPUS=${GPUS_PER_NODE:-4}; WITH_DBD=${WITH_DBD:-0}; BASE=${BASE:-/tmp/slurm-ci}
CPUS=$(nproc)
MEM=$(( $(slurmd -C | sed -n 's/.*RealMemory=\([0-9]*\).*/\1/p') / NNODES ))
mkdir -p "$BASE"/{state,spool,log,run,dev}

# --- munge (runs as user munge; key is created by the Debian postinst, create if missing)
[ -s /etc/munge/munge.key ] || { mungekey -c -f; chown munge:munge /etc/munge/munge.key; chmod 600 /etc/munge/munge.key; }
mkdir -p /run/munge && chown munge:munge /run/munge
if ! munge -n >/dev/null 2>&1; then runuser -u munge -- /usr/sbin/munged; touch "$BASE/run/munged.ours"; fi
for i in $(seq 50); do munge -n >/dev/null 2>&1 && break; sleep 0.1; done

# --- fake GPUs: Slurm needs real char/block device nodes for File= (regular files are rejected)
GRES_NODE=""; GRES_GLOBAL=""
if [ "$GPUS" -gt 0 ]; then
  for i in $(seq 0 $((GPUS-1))); do [ -c "$BASE/dev/nvidia$i" ] || mknod "$BASE/dev/nvidia$i" c 195 "$i"; done
  GRES_NODE="Gres=gpu:h100:$GPUS"; GRES_GLOBAL="GresTypes=gpu"
  cat > /etc/slurm/gres.conf <<EOF
AutoDetect=off
NodeName=n[1-$NNODES] Name=gpu Type=h100 File=$BASE/dev/nvidia[0-$((GPUS-1))]
EOF
else rm -f /etc/slurm/gres.conf; fi

ACCT="AccountingStorageType=accounting_storage/none"
if [ "$WITH_DBD" = 1 ]; then
  mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
  if ! mariadb -e 'select 1' >/dev/null 2>&1; then
    nohup /usr/sbin/mariadbd --user=mysql --bind-address=127.0.0.1 > "$BASE/log/mariadb.log" 2>&1 &
    echo $! > "$BASE/run/mariadb.pid"
    for i in $(seq 100); do mariadb -e 'select 1' >/dev/null 2>&1 && break; sleep 0.1; done
  fi
  mariadb -e "CREATE USER IF NOT EXISTS 'slurm'@'localhost' IDENTIFIED BY 'slurmpw'; GRANT ALL ON slurm_acct_db.* TO 'slurm'@'localhost';"
  cat > /etc/slurm/slurmdbd.conf <<EOF
AuthType=auth/munge
DbdHost=localhost
DbdPort=6819
SlurmUser=root
LogFile=$BASE/log/slurmdbd.log
PidFile=$BASE/run/slurmdbd.pid
StorageType=accounting_storage/mysql
StorageHost=localhost
StorageUser=slurm
StoragePass=slurmpw
StorageLoc=slurm_acct_db
EOF
  chmod 600 /etc/slurm/slurmdbd.conf
  ACCT=$'AccountingStorageType=accounting_storage/slurmdbd\nAccountingStorageHost=localhost\nAccountingStoragePort=6819\nAccountingStorageTRES=gres/gpu\nJobAcctGatherType=jobacct_gather/linux\nJobAcctGatherFrequency=5'
fi

cat > /etc/slurm/slurm.conf <<EOF
ClusterName=ci
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
DefMemPerCPU=256
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool/%n
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd-%n.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
ReturnToService=2
SlurmdTimeout=10
MinJobAge=600
KillWait=5
SchedulerType=sched/backfill
$GRES_GLOBAL
JobCompType=jobcomp/none
$ACCT
NodeName=n[1-$NNODES] NodeHostname=localhost NodeAddr=127.0.0.1 Port=[17001-$((17000+NNODES))] CPUs=$CPUS RealMemory=$MEM $GRES_NODE State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF

if [ "$WITH_DBD" = 1 ]; then
  if ! { [ -s "$BASE/run/slurmdbd.pid" ] && kill -0 "$(cat "$BASE/run/slurmdbd.pid")" 2>/dev/null; }; then slurmdbd; fi
  for i in $(seq 100); do sacctmgr -n list cluster >/dev/null 2>&1 && break; sleep 0.1; done
  sacctmgr -n list cluster format=cluster | grep -qw ci || sacctmgr -i add cluster ci >/dev/null
fi
slurmctld
for i in $(seq 1 "$NNODES"); do mkdir -p "$BASE/spool/n$i"; slurmd -N "n$i"; done   # always pass -N: a bare `slurmd` maps to n1 and kills it
for i in $(seq 150); do [ "$(sinfo -h -N -t idle -o %N | wc -l)" = "$NNODES" ] && break; sleep 0.2; done
sinfo -N -o "%N %T %c %m %G"
