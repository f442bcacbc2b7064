import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ). */
const ticksPerSecond = (() => {
  const out = spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' });
  const value = Number(out.stdout?.trim());
  return Number.isFinite(value) && value > 0 ? value : 100;
})();

/** CPU time a process has used so far, user + system, in ms; read from /proc/<pid>/stat (Linux). */
export function processCpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may contain spaces and parentheses: count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the name: state is field 3, so utime (14) and stime (15) are at indexes 11 and 12.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return ((utime + stime) * 1000) / ticksPerSecond;
}

/** Resident set size of a process in bytes (VmRSS of /proc/<pid>/status). */
export function processRssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) * 1024;
}

/** CPU used by another process between `start()` and `stop()`, as ms and as a share of one core. */
export interface CpuUse {
  /** user + system CPU time, ms */
  cpuMs: number;
  /** wall-clock time of the measurement, ms */
  wallMs: number;
  /** cpuMs / wallMs: 1 = one core fully busy */
  cores: number;
}

export function measureCpu(pid: number): { stop(): CpuUse } {
  const cpu0 = processCpuMs(pid);
  const t0 = performance.now();
  return {
    stop() {
      const cpuMs = processCpuMs(pid) - cpu0;
      const wallMs = performance.now() - t0;
      return { cpuMs, wallMs, cores: wallMs > 0 ? cpuMs / wallMs : 0 };
    },
  };
}

/** CPU use of this process since `from` (process.cpuUsage()), in the same shape. */
export function ownCpuSince(from: NodeJS.CpuUsage, startedAt: number): CpuUse {
  const used = process.cpuUsage(from);
  const cpuMs = (used.user + used.system) / 1000;
  const wallMs = performance.now() - startedAt;
  return { cpuMs, wallMs, cores: wallMs > 0 ? cpuMs / wallMs : 0 };
}

export interface Machine {
  cores: number;
  cpuModel: string;
  totalMemoryGiB: number;
  node: string;
  platform: string;
  kernel: string;
  /** The soft limit of open files per process, as this process sees it (children inherit it). */
  openFilesLimit: number | null;
  /** 1-minute load average when the run started and when it ended: how busy the shared machine was. */
  loadAverage: { start: number; end: number };
}

export function describeMachine(): Machine {
  let openFilesLimit: number | null = null;
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const soft = /^Max open files\s+(\d+)/m.exec(limits)?.[1];
    if (soft !== undefined) openFilesLimit = Number(soft);
  } catch {
    // not Linux: leave it unknown
  }
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpuModel: cpu[0]?.model.trim() ?? 'unknown',
    totalMemoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: process.platform,
    kernel: release(),
    openFilesLimit,
    loadAverage: { start: loadavg()[0] ?? 0, end: loadavg()[0] ?? 0 },
  };
}
