#!/usr/bin/env node
// A stand-in for /dev/watchdog where the kernel offers none (containers, CI): a FIFO that the
// agent opens and writes as it would the device, and a countdown that, when it runs out, does
// what a host reset does to the node: SIGKILL the agent and PostgreSQL.
//
//   node test/watchdog/emulator.mjs --dir DIR --timeout SECONDS [--target-file FILE]
//        [--owner UID:GID] [--lifetime SECONDS]
//
// Creates DIR/dev/watchdog (the FIFO) and DIR/class/watchdog/watchdog0/timeout, so the agent
// takes device DIR/dev/watchdog and sysfsClassDir DIR/class/watchdog. Prints one JSON line per
// event on stdout: ready, open, keepalive, magic-close, close-without-magic, expired, killed,
// stopped; each has `at` (ISO time) and `counters`.
//
// Semantics, as Linux's watchdog core: a writer's open arms the countdown (an open while still
// armed does not restart it); every byte restarts it; a "V" as the last byte before the writer
// closes disarms (magic close); a close without it leaves it armed (and pings it once, as Linux
// does). The FIFO's read end is polled without blocking every POLL_MS: a read that would block
// means a writer holds the FIFO, end-of-file means none does. What that cannot see, and so
// differs from the kernel: a writer that opens and closes without writing within one poll goes
// unnoticed; a close and a new open within one poll look like one open; a second writer is not
// refused with EBUSY; the bytes of one write() are not told apart from the next (a "V" counts
// only as the last byte).
//
// On expiry it reads --target-file (JSON {"pids": [agent PIDs], "dataDir": "..."}), freezes
// (SIGSTOP) each listed process, the postmaster named by <dataDir>/postmaster.pid and all their
// descendants, then SIGKILLs them all, as a reset stops everything at once. A listed PID is
// killed only if its /proc start time is the one it had when first seen in the target file
// (read at each open and at expiry); the postmaster only if its working directory is dataDir.
// Then it replaces the FIFO with a fresh one, as the next boot would: a writer that survived
// the reset (nothing listed it) gets EPIPE, and the next open arms the new device.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const POLL_MS = 10;
/** At most this many reads per poll, and this many generations of descendants on expiry. */
const MAX_READS = 64;
const MAX_GENERATIONS = 16;

const { values } = parseArgs({
  options: {
    dir: { type: 'string' },
    timeout: { type: 'string' },
    'target-file': { type: 'string' },
    owner: { type: 'string' },
    lifetime: { type: 'string', default: '3600' },
  },
});
const timeoutSeconds = Number(values.timeout);
const lifetimeSeconds = Number(values.lifetime);
if (!values.dir || !Number.isInteger(timeoutSeconds) || timeoutSeconds < 1 || !(lifetimeSeconds > 0) || (values.owner && !/^\d+:\d+$/.test(values.owner))) {
  process.stderr.write('usage: emulator.mjs --dir DIR --timeout SECONDS [--target-file FILE] [--owner UID:GID] [--lifetime SECONDS]\n');
  process.exit(2);
}

const device = join(values.dir, 'dev', 'watchdog');
const sysfsClassDir = join(values.dir, 'class', 'watchdog');
const counters = { opens: 0, keepalives: 0, magicCloses: 0, closesWithoutMagic: 0, expiries: 0, killed: 0 };
/** Start time of each listed PID when the target file first named it. */
const firstSeen = new Map();
const parentPid = processStat(process.pid).ppid;

let writer = false;
let armed = false;
let expectClose = false;
let lastPing = 0;

function emit(event, fields = {}) {
  process.stdout.write(`${JSON.stringify({ event, at: new Date().toISOString(), ...fields, counters })}\n`);
}

fs.mkdirSync(join(values.dir, 'dev'), { recursive: true, mode: 0o755 });
fs.mkdirSync(join(sysfsClassDir, 'watchdog0'), { recursive: true, mode: 0o755 });
fs.writeFileSync(join(sysfsClassDir, 'watchdog0', 'timeout'), `${timeoutSeconds}\n`, { mode: 0o444 });
let reader = createDevice();
const buffer = Buffer.alloc(4096);

/** The FIFO and its read end, held open so that a writer's open succeeds exactly while the emulator runs. */
function createDevice() {
  execFileSync('mkfifo', ['-m', '600', device]);
  if (values.owner) {
    const [uid, gid] = values.owner.split(':').map(Number);
    fs.chownSync(device, uid, gid);
  }
  return fs.openSync(device, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
}

function poll() {
  for (let i = 0; i < MAX_READS; i++) {
    let n;
    try {
      n = fs.readSync(reader, buffer, 0, buffer.length, null);
    } catch (error) {
      if (error.code !== 'EAGAIN') throw error;
      if (!writer) opened();
      break;
    }
    if (n === 0) {
      if (writer) closed();
      break;
    }
    if (!writer) opened();
    received(buffer.subarray(0, n));
  }
  // Bytes are drained before the deadline is checked, so an emulator that was itself slow to
  // run never fires on keepalives that arrived in time.
  if (armed && performance.now() - lastPing >= timeoutSeconds * 1000) expire();
}

function opened() {
  writer = true;
  expectClose = false;
  counters.opens += 1;
  if (!armed) {
    armed = true;
    lastPing = performance.now();
  }
  readTargets();
  emit('open');
}

function received(bytes) {
  lastPing = performance.now();
  expectClose = bytes[bytes.length - 1] === 0x56;
  const keepalives = bytes.filter((byte) => byte !== 0x56).length;
  if (keepalives === 0) return;
  counters.keepalives += keepalives;
  emit('keepalive', { bytes: keepalives });
}

function closed() {
  writer = false;
  if (expectClose) {
    armed = false;
    counters.magicCloses += 1;
    emit('magic-close');
  } else {
    // Linux pings once on a close that did not stop the watchdog ("watchdog did not stop!").
    lastPing = performance.now();
    counters.closesWithoutMagic += 1;
    emit('close-without-magic', { armed });
  }
}

function expire() {
  armed = false;
  counters.expiries += 1;
  emit('expired', { idleMs: Math.round(performance.now() - lastPing), writerOpen: writer });
  const { pids, skipped } = killNode();
  // After a reset no file handle of the old boot works: a writer that survived (nothing killed
  // it) now writes to a pipe without a reader (EPIPE), and new opens get a fresh device.
  fs.closeSync(reader);
  fs.rmSync(device);
  reader = createDevice();
  writer = false;
  counters.killed += pids.length;
  emit('killed', { pids, skipped });
}

/** The target file's contents, recording the start time of each PID it names for the first time. */
function readTargets() {
  if (!values['target-file']) return { pids: [], skipped: [{ reason: 'no --target-file was given' }] };
  let targets;
  try {
    targets = JSON.parse(fs.readFileSync(values['target-file'], 'utf8'));
  } catch (error) {
    return { pids: [], skipped: [{ reason: `target file ${values['target-file']} unreadable: ${error.message}` }] };
  }
  const pids = Array.isArray(targets.pids) ? targets.pids.filter((pid) => Number.isInteger(pid) && pid > 1) : [];
  for (const pid of pids) {
    const started = processStat(pid)?.startTime;
    if (started !== undefined && !firstSeen.has(pid)) firstSeen.set(pid, started);
  }
  return { pids, dataDir: typeof targets.dataDir === 'string' ? targets.dataDir : undefined, skipped: [] };
}

function killNode() {
  const { pids, dataDir, skipped } = readTargets();
  const roots = [];
  for (const pid of pids) {
    const stat = processStat(pid);
    if (stat === undefined) skipped.push({ pid, reason: 'not running' });
    else if (stat.startTime !== firstSeen.get(pid)) skipped.push({ pid, reason: 'PID reused by another process since the target file named it' });
    else roots.push(pid);
  }
  if (dataDir !== undefined) {
    const postmaster = postmasterOf(dataDir);
    if (typeof postmaster === 'number') roots.push(postmaster);
    else skipped.push(postmaster);
  }
  const doomed = new Set();
  const spared = (pid) => pid === process.pid || pid === parentPid;
  let generation = roots.filter((pid) => !spared(pid));
  for (let i = 0; i < MAX_GENERATIONS && generation.length > 0; i++) {
    for (const pid of generation) {
      signal(pid, 'SIGSTOP');
      doomed.add(pid);
    }
    const parents = new Set(generation);
    generation = allProcesses().filter((p) => parents.has(p.ppid) && !doomed.has(p.pid) && !spared(p.pid)).map((p) => p.pid);
  }
  const killed = [...doomed].filter((pid) => signal(pid, 'SIGKILL'));
  return { pids: killed, skipped };
}

/** The postmaster's PID, or why there is none to kill. */
function postmasterOf(dataDir) {
  let pid;
  let home;
  try {
    pid = Number(fs.readFileSync(join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    home = fs.realpathSync(dataDir);
  } catch {
    return { reason: `no postmaster.pid in ${dataDir}` };
  }
  if (!Number.isInteger(pid) || pid <= 1) return { reason: `${dataDir}/postmaster.pid does not start with a PID` };
  let cwd;
  try {
    cwd = fs.readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return { pid, reason: 'postmaster not running' };
  }
  // A postmaster works in its data directory; any other process is a PID reused since it died.
  return cwd === home ? pid : { pid, reason: `PID works in ${cwd}, not in ${dataDir}: not the postmaster` };
}

/** State, parent and start time from /proc/<pid>/stat; undefined for a process gone or a zombie. */
function processStat(pid) {
  let text;
  try {
    text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // Fields after the command name, which is in parentheses and may itself hold any character.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  return { pid, ppid: Number(fields[1]), startTime: fields[19] };
}

function allProcesses() {
  return fs
    .readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map((name) => processStat(Number(name)))
    .filter((stat) => stat !== undefined);
}

function signal(pid, name) {
  try {
    process.kill(pid, name);
    return true;
  } catch {
    return false;
  }
}

let stopped = false;
function stop(why, exitCode = 0) {
  if (stopped) return;
  stopped = true;
  clearInterval(poller);
  clearInterval(orphanCheck);
  clearTimeout(lifetime);
  fs.closeSync(reader);
  fs.rmSync(device, { force: true });
  emit('stopped', { why });
  process.exitCode = exitCode;
}

const poller = setInterval(() => {
  try {
    poll();
  } catch (error) {
    process.stderr.write(`watchdog emulator: ${error.stack}\n`);
    stop('it failed', 1);
  }
}, POLL_MS);
// process.ppid is fixed at start-up: /proc tells when the parent died and the emulator was orphaned.
const orphanCheck = setInterval(() => {
  if (processStat(process.pid)?.ppid !== parentPid) stop('its parent exited');
}, 1000);
const lifetime = setTimeout(() => stop(`its lifetime of ${lifetimeSeconds}s ran out`), lifetimeSeconds * 1000);
process.on('SIGTERM', () => stop('SIGTERM'));
process.on('SIGINT', () => stop('SIGINT'));
emit('ready', { device, sysfsClassDir, timeoutSeconds, pid: process.pid });
