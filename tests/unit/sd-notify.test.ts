/**
 * sd_notify for real: a Python unix-datagram listener stands in for systemd's NOTIFY_SOCKET,
 * the daemon runs as a child process, and the messages systemd would see are checked.
 * Needs `systemd-notify` and `python3`, which `npm test` installs (scripts/ensure-system-deps.sh).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { spawnDaemon, tempDir } from '../helpers/daemon.js';
import { SdNotify } from '../../daemon/sd-notify.js';
import { memoryLogger } from '../../daemon/log.js';

const has = (cmd: string) => spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;

before(() => {
  const missing = ['systemd-notify', 'python3'].filter((c) => !has(c));
  assert.deepEqual(missing, [], 'not installed; scripts/ensure-system-deps.sh installs them');
});

// Receives datagrams, closes any passed fds (systemd-notify's BARRIER=1 waits for that, as
// systemd does), prints each message as one JSON line.
const LISTENER = `
import socket, sys, os, json, array
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
print(json.dumps("LISTENING"), flush=True)
while True:
    msg, anc, flags, addr = s.recvmsg(4096, socket.CMSG_SPACE(16 * 4))
    for level, typ, data in anc:
        if level == socket.SOL_SOCKET and typ == socket.SCM_RIGHTS:
            fds = array.array("i")
            fds.frombytes(data[: len(data) - len(data) % fds.itemsize])
            for fd in fds:
                os.close(fd)
    print(json.dumps(msg.decode()), flush=True)
`;

interface Listener {
  proc: ChildProcess;
  messages: string[];
  waitFor(re: RegExp): Promise<string>;
}

async function listen(socketPath: string): Promise<Listener> {
  const proc = spawn('python3', ['-c', LISTENER, socketPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const messages: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  proc.stdout!.on('data', (c: Buffer) => {
    buf += c.toString();
    const lines = buf.split('\n');
    buf = lines.pop()!;
    for (const l of lines) messages.push(JSON.parse(l));
    waiters.splice(0).forEach((w) => w());
  });
  const waitFor = (re: RegExp) =>
    new Promise<string>((resolve, reject) => {
      const check = () => {
        const hit = messages.find((m) => re.test(m));
        if (hit) return resolve(hit);
        if (proc.exitCode !== null) return reject(new Error('listener exited'));
        waiters.push(check);
      };
      check();
    });
  await waitFor(/^LISTENING$/);
  return { proc, messages, waitFor };
}

test('NOTIFY_SOCKET set: READY=1 with MAINPID, WATCHDOG=1 pings, STOPPING=1', async () => {
  const dir = await tempDir('pos-notify-');
  const socketPath = path.join(dir, 'notify.sock');
  const listener = await listen(socketPath);
  try {
    const d = await spawnDaemon({
      DATA_DIR: path.join(dir, 'data'),
      NOTIFY_SOCKET: socketPath,
      WATCHDOG_USEC: '2000000', // WatchdogSec=2 → a ping every second
    });
    const ready = await listener.waitFor(/READY=1/);
    assert.match(ready, new RegExp(`MAINPID=${d.child.pid}`));
    assert.match(ready, /STATUS=serving on port \d+/);
    // READY only after the HTTP server answers: the health check works by now.
    assert.equal((await d.get('/api/v1/health')).status, 200);
    await listener.waitFor(/WATCHDOG=1/);
    assert.equal(await d.kill('SIGTERM'), 0);
    await listener.waitFor(/STOPPING=1/);
    assert.doesNotMatch(d.output(), /systemd-notify .* failed/);
  } finally {
    listener.proc.kill();
    await rm(dir, { recursive: true, force: true });
  }
});

test('without NOTIFY_SOCKET nothing is sent and nothing is logged about it', async () => {
  const dir = await tempDir('pos-notify-');
  try {
    const d = await spawnDaemon({ DATA_DIR: dir, WATCHDOG_USEC: '2000000' });
    assert.equal((await d.get('/api/v1/health')).status, 200);
    assert.equal(await d.kill('SIGTERM'), 0);
    assert.doesNotMatch(d.output(), /systemd-notify|sd_notify/);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('NOTIFY_SOCKET nobody listens on: a warning per failed message, the daemon serves', async () => {
  const dir = await tempDir('pos-notify-');
  try {
    const d = await spawnDaemon({
      DATA_DIR: path.join(dir, 'data'),
      NOTIFY_SOCKET: path.join(dir, 'nobody-listens.sock'),
    });
    assert.equal((await d.get('/api/v1/health')).status, 200);
    await waitFor(() => /systemd-notify READY=1 .*failed/.test(d.output()));
    assert.equal(await d.kill('SIGTERM'), 0);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('SdNotify without systemd-notify on PATH: one warning, then disabled', async () => {
  const log = memoryLogger();
  const notify = new SdNotify({
    socket: '/run/nonexistent/notify',
    watchdogUsec: 2_000_000,
    log,
    path: '/nonexistent-bin',
  });
  assert.equal(notify.enabled, true);
  notify.ready('serving');
  await waitFor(() => log.lines.some((l) => /systemd-notify not found/.test(l)));
  assert.equal(notify.enabled, false, 'watchdog pings stop');
  notify.stopping();
  assert.equal(log.lines.filter((l) => /systemd-notify/.test(l)).length, 1);
});

async function waitFor(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
  assert.ok(cond(), 'condition not reached');
}
