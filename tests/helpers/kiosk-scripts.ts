/**
 * Runs the appliance's kiosk scripts (systemd/libexec/pos-kiosk and pos-kiosk-session) as they
 * run on the Pi, with what they touch replaced: a fake /sys/class/drm tree (POS_DRM_SYSFS), a
 * stand-in for cage (POS_CAGE) that shows its arguments and the session's environment, and
 * stand-ins for chromium and wlr-randr on PATH that write down how they were called (chromium
 * then ends the session, whose loop would otherwise start it again).
 */
import { execFile, spawn } from 'node:child_process';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT, tempDir } from './daemon.js';

const run = promisify(execFile);
export const POS_KIOSK = path.join(ROOT, 'systemd', 'libexec', 'pos-kiosk');
export const POS_KIOSK_SESSION = path.join(ROOT, 'systemd', 'libexec', 'pos-kiosk-session');

/** Connectors by sysfs name (`card1-HDMI-A-1`): status and the modes list, preferred first. */
export type Connectors = Record<string, { status: string; modes?: string[] }>;

export async function fakeDrm(connectors: Connectors): Promise<string> {
  const root = await tempDir('pos-drm-');
  // Devices without connectors sit beside them (card0, renderD128, version).
  await mkdir(path.join(root, 'card0'));
  await writeFile(path.join(root, 'version'), 'drm 1.1.0 20060810\n');
  for (const [name, c] of Object.entries(connectors)) {
    await mkdir(path.join(root, name));
    await writeFile(path.join(root, name, 'status'), `${c.status}\n`);
    await writeFile(path.join(root, name, 'modes'), (c.modes ?? []).map((m) => `${m}\n`).join(''));
  }
  return root;
}

async function executable(file: string, body: string): Promise<string> {
  await writeFile(file, `#!/bin/bash\n${body}\n`);
  await chmod(file, 0o755);
  return file;
}

export interface CageRun {
  /** cage's arguments. */
  args: string[];
  /** The POS_* environment cage (and so the session) got. */
  env: Record<string, string>;
  stdout: string;
}

/** pos-kiosk with `env` over a clean environment; cage is a stand-in that reports. */
export async function runPosKiosk(env: Record<string, string>): Promise<CageRun> {
  const dir = await tempDir('pos-cage-');
  const cage = await executable(
    path.join(dir, 'cage'),
    `printf 'cage-arg:%s\\n' "$@"; env | grep '^POS_' | sed 's/^/cage-env:/'`,
  );
  const { stdout } = await run('bash', [POS_KIOSK], {
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', POS_CAGE: cage, ...env },
    timeout: 20_000,
  });
  const args: string[] = [];
  const out: Record<string, string> = {};
  for (const line of stdout.split('\n')) {
    if (line.startsWith('cage-arg:')) args.push(line.slice('cage-arg:'.length));
    if (line.startsWith('cage-env:')) {
      const kv = line.slice('cage-env:'.length);
      out[kv.slice(0, kv.indexOf('='))] = kv.slice(kv.indexOf('=') + 1);
    }
  }
  return { args, env: out, stdout };
}

export interface SessionRun {
  /** The URL Chromium was started on. */
  url: string;
  /** LANGUAGE in Chromium's environment (its own language: date fields, file picker). */
  language: string;
  /** Each wlr-randr call's arguments. */
  wlrRandr: string[][];
  stdout: string;
}

/**
 * pos-kiosk-session with `env` (what pos-kiosk exports) until it starts Chromium once. The
 * daemon it asks about a first-boot token is on POS_DAEMON_PORT (give a closed port for none).
 */
export async function runSession(env: Record<string, string>): Promise<SessionRun> {
  const dir = await tempDir('pos-session-');
  const bin = path.join(dir, 'bin');
  await mkdir(bin);
  const log = path.join(dir, 'calls');
  await executable(
    path.join(bin, 'wlr-randr'),
    `printf 'wlr-randr %s\\n' "$*" >> '${log}'
[ $# -eq 0 ] && printf 'HDMI-A-1 "Fake"\\n  Enabled: yes\\n'
exit 0`,
  );
  await executable(
    path.join(bin, 'chromium'),
    `printf 'chromium-language %s\\n' "\${LANGUAGE-}" >> '${log}'
printf 'chromium %s\\n' "\${@: -1}" >> '${log}'; kill -TERM "$PPID"`,
  );
  const child = spawn('bash', [POS_KIOSK_SESSION], {
    env: {
      PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
      RUNTIME_DIRECTORY: dir,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
  child.stderr.on('data', (b: Buffer) => (stdout += b.toString()));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pos-kiosk-session did not start chromium: ${stdout}`));
    }, 30_000);
    child.on('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  const calls = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  const url = calls.find((c) => c.startsWith('chromium '))?.slice('chromium '.length) ?? '';
  const language =
    calls.find((c) => c.startsWith('chromium-language '))?.slice('chromium-language '.length) ?? '';
  const wlrRandr = calls
    .filter((c) => c.startsWith('wlr-randr'))
    .map((c) => c.split(' ').slice(1).filter(Boolean));
  return { url, language, wlrRandr, stdout };
}

export const POS_KIOSK_TOUCH = path.join(ROOT, 'systemd', 'libexec', 'pos-kiosk-touch');

export interface TouchRun {
  /** The runtime udev rule as written, or null when there is none. */
  rule: string | null;
  /** Each udevadm call's arguments. */
  udevadm: string[][];
  stdout: string;
}

/**
 * pos-kiosk-touch with `env` (over a clean environment) and a stand-in udevadm; `rules` is the
 * rule file's path, kept between runs of one test.
 */
export async function runTouch(rules: string, env: Record<string, string>): Promise<TouchRun> {
  const dir = await tempDir('pos-touch-');
  const log = path.join(dir, 'calls');
  await executable(path.join(dir, 'udevadm'), `printf '%s\\n' "$*" >> '${log}'`);
  const { stdout } = await run('bash', [POS_KIOSK_TOUCH], {
    env: { PATH: `${dir}:${process.env.PATH ?? '/usr/bin:/bin'}`, POS_TOUCH_RULES: rules, ...env },
    timeout: 20_000,
  });
  const calls = (await readFile(log, 'utf8').catch(() => '')).split('\n').filter(Boolean);
  return {
    rule: await readFile(rules, 'utf8').catch(() => null),
    udevadm: calls.map((c) => c.split(' ')),
    stdout,
  };
}
