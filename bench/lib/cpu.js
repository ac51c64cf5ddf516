/**
 * How much CPU other processes used while a benchmark ran, from /proc (Linux): the machine's busy time
 * minus the CPU time of the benchmark's own processes (this process, its reaped children, and the live
 * processes named). On a shared 2-core machine this says whether a figure was taken on a quiet machine.
 * Also the hypervisor's steal time. Elsewhere than Linux it reports nothing.
 * @module
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

let hz = 100;
try {
  hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
} catch {
  // keep 100
}

function systemTicks() {
  const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  const [user, nice, system, , , irq, softirq, steal] = fields;
  return { busy: user + nice + system + irq + softirq, steal: steal ?? 0 };
}

/** utime + stime + cutime + cstime of one process, in ticks (0 when it is gone). */
function processTicks(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state); utime is field 14.
    return Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
  } catch {
    return 0;
  }
}

/** CPU seconds the processes named have used so far (their reaped children included; 0 for gone ones). */
export function cpuSecondsOf(pids) {
  return pids.reduce((sum, pid) => sum + processTicks(pid), 0) / hz;
}

/** @param {number[]} pids live processes of the benchmark besides this one */
export function cpuSnapshot(pids = []) {
  try {
    const system = systemTicks();
    const own = [process.pid, ...pids].reduce((sum, pid) => sum + processTicks(pid), 0);
    return { at: performance.now(), ...system, own, pids };
  } catch {
    return undefined;
  }
}

/** Cores' worth of CPU used by other processes (and stolen by the hypervisor) between two snapshots. */
export function cpuSince(before, pids = before?.pids ?? []) {
  const after = cpuSnapshot(pids);
  if (!before || !after) return { foreignCores: NaN, stealCores: NaN, ownCores: NaN };
  const seconds = (after.at - before.at) / 1000;
  const busy = after.busy - before.busy;
  const own = after.own - before.own;
  return {
    foreignCores: Math.max(0, busy - own) / hz / seconds,
    ownCores: own / hz / seconds,
    stealCores: (after.steal - before.steal) / hz / seconds,
  };
}
