/**
 * What the kernel says about a process we started: resident memory and CPU time, from
 * /proc/<pid>/status and /proc/<pid>/stat (Linux only, as the bench machine is).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';

let ticksPerSecond: number | undefined;

/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat (almost always 100). */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** Resident set size in bytes (VmRSS). */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status);
  if (!match) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(match[1]) * 1024;
}

/**
 * User + system CPU seconds used so far by `pid`: its threads included, or with `mainThread`
 * only the thread that runs its event loop (a Node process' main thread has the process' id).
 */
export function cpuSeconds(pid: number, mainThread = false): number {
  const stat = readFileSync(mainThread ? `/proc/${pid}/task/${pid}/stat` : `/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces and parentheses: fields start after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after the name.
  return (Number(fields[11]) + Number(fields[12])) / clockTicks();
}

/** Bytes `pid` passed to read and write calls so far, sockets included (/proc/<pid>/io). */
export function ioBytes(pid: number): { read: number; written: number } {
  const io = readFileSync(`/proc/${pid}/io`, 'utf8');
  const field = (name: string) => Number(new RegExp(`^${name}: (\\d+)$`, 'm').exec(io)?.[1] ?? Number.NaN);
  return { read: field('rchar'), written: field('wchar') };
}

/** Open file descriptors of `pid`. */
export function openFds(pid: number): number {
  try {
    return execFileSync('ls', [`/proc/${pid}/fd`], { encoding: 'utf8' }).split('\n').filter(Boolean).length;
  } catch {
    return Number.NaN;
  }
}

/** A CPU meter over an interval: `stop()` gives the share of one core used since `start`. */
export function cpuMeter(pid: number, mainThread = false): { stop(): number } {
  const cpu0 = cpuSeconds(pid, mainThread);
  const t0 = performance.now();
  return {
    stop() {
      const seconds = (performance.now() - t0) / 1000;
      return seconds > 0 ? (100 * (cpuSeconds(pid, mainThread) - cpu0)) / seconds : Number.NaN;
    },
  };
}

/** CPU of `pid` over `ms`, as % of one core. */
export async function cpuPercentOver(pid: number, ms: number): Promise<number> {
  const meter = cpuMeter(pid);
  await delay(ms);
  return meter.stop();
}

/** The soft limit on open descriptors of `pid` ("Max open files" in /proc/<pid>/limits). */
export function fdLimit(pid: number): number {
  const limits = readFileSync(`/proc/${pid}/limits`, 'utf8');
  return Number(/^Max open files\s+(\d+)/m.exec(limits)?.[1] ?? Number.NaN);
}
