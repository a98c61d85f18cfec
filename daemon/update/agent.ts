/**
 * The update agent: the small root helper that runs rauc for the unprivileged daemon
 * (docs/UPDATES.md). Run by a root systemd unit, never by the daemon itself:
 *
 *   node /opt/pos/dist/daemon/update/agent.js process   handle POS_UPDATE_DIR/request.json
 *   node /opt/pos/dist/daemon/update/agent.js report    rauc status → POS_UPDATE_DIR/slots.json
 *
 * `process` install: `rauc info` first (signature against the system keyring, compatible
 * against `rauc status`); nothing is installed when that fails. Then `rauc install` with its
 * progress in status.json; the bundle file is deleted afterwards either way (space on /data).
 * `process` reboot: status "rebooting", then POS_REBOOT_COMMAND (no shell).
 * The request file is deleted when handled. Exit code 0 when the request was handled (even
 * when its outcome is "failed"), 1 on a problem with the agent itself.
 */
import { lstat, realpath, unlink } from 'node:fs/promises';
import path from 'node:path';
import { loadAgentConfig, type AgentConfig } from '../config.js';
import type { SlotsFile, UpdateRequest, UpdateStatusFile } from '../protocol.js';
import { FILES, readJsonFile, removeFile, splitCommand, writeJson } from './files.js';
import { classifyBundleError, raucCli, run, shortDetail, type RaucCli } from './rauc.js';

export interface AgentDeps {
  config: AgentConfig;
  rauc?: RaucCli;
  now?: () => Date;
  log?: (line: string) => void;
}

const ID_RE = /^[0-9a-f-]{8,64}$/i;

/** rauc status → slots.json; returns it. */
export async function report(deps: AgentDeps): Promise<SlotsFile> {
  const rauc = deps.rauc ?? raucCli(deps.config.rauc, deps.now);
  const slots = await rauc.status();
  await writeJson(deps.config.updateDir, FILES.slots, slots);
  return slots;
}

/** The request in the update dir, checked; a string says why it is refused. */
async function readRequest(dir: string): Promise<UpdateRequest | { id: string; bad: string }> {
  const raw = await readJsonFile<Record<string, unknown>>(dir, FILES.request);
  const id = typeof raw?.id === 'string' && ID_RE.test(raw.id) ? raw.id : 'unknown';
  if (!raw) return { id, bad: 'request.json is not a JSON object' };
  if (id === 'unknown') return { id, bad: 'request id missing or malformed' };
  if (raw.action === 'reboot') return { id, action: 'reboot' };
  if (raw.action !== 'install') return { id, bad: `unknown action ${String(raw.action)}` };
  if (typeof raw.bundle !== 'string' || !path.isAbsolute(raw.bundle))
    return { id, bad: 'bundle must be an absolute path' };
  // The daemon is not trusted with root's file system: the bundle must be a plain file
  // directly inside the update dir (no symlink, no other directory).
  try {
    const st = await lstat(raw.bundle);
    const realDir = await realpath(dir);
    if (!st.isFile() || path.dirname(await realpath(raw.bundle)) !== realDir)
      return { id, bad: 'bundle is not a plain file in the update directory' };
  } catch {
    return { id, bad: 'bundle file not found' };
  }
  return { id, action: 'install', bundle: raw.bundle };
}

/** Handles request.json if there is one; returns the final status written (null: none). */
export async function processRequest(deps: AgentDeps): Promise<UpdateStatusFile | null> {
  const dir = deps.config.updateDir;
  const now = deps.now ?? (() => new Date());
  const log = deps.log ?? (() => {});
  const rauc = deps.rauc ?? raucCli(deps.config.rauc, now);
  if (!(await readJsonFile(dir, FILES.request))) {
    // An unreadable file is still a request: answer it rather than leave it.
    try {
      await lstat(path.join(dir, FILES.request));
    } catch {
      return null;
    }
  }
  const req = await readRequest(dir);
  let status: UpdateStatusFile = {
    id: req.id,
    state: 'verifying',
    progress: 0,
    updated_at: now().toISOString(),
  };
  const write = async (patch: Partial<UpdateStatusFile>) => {
    status = { ...status, ...patch, updated_at: now().toISOString() };
    await writeJson(dir, FILES.status, status);
  };
  const finish = async (patch: Partial<UpdateStatusFile>) => {
    await write(patch);
    await removeFile(dir, FILES.request);
    return status;
  };

  if ('bad' in req) {
    log(`request refused: ${req.bad}`);
    const bundle = await readJsonFile<{ bundle?: unknown }>(dir, FILES.request);
    await removeOwnBundle(dir, bundle?.bundle);
    return finish({ state: 'failed', error_code: 'update_request_invalid', detail: req.bad });
  }

  if (req.action === 'reboot') {
    const words = splitCommand(deps.config.rebootCommand);
    await write({ state: 'rebooting', progress: 100 });
    await removeFile(dir, FILES.request);
    log(`reboot: ${words.join(' | ')}`);
    const r = await run(words[0], words.slice(1), undefined, 120_000);
    if (r.code !== 0) {
      log(`reboot command failed (${r.code}): ${shortDetail(r.stderr)}`);
      await write({
        state: 'failed',
        error_code: 'update_reboot_failed',
        detail: shortDetail(r.stderr || r.stdout),
      });
    }
    return status;
  }

  await write({ state: 'verifying', progress: 0 });
  try {
    const system = await rauc.status();
    const info = await rauc.info(req.bundle);
    if ('error' in info) {
      const text = `${info.error.stderr}\n${info.error.stdout}`;
      log(`rauc info refused the bundle: ${shortDetail(text)}`);
      return await finishBundle(finish, dir, req.bundle, {
        state: 'failed',
        error_code: classifyBundleError(text),
        detail: shortDetail(text),
      });
    }
    if (info.compatible !== system.compatible)
      return await finishBundle(finish, dir, req.bundle, {
        state: 'failed',
        error_code: 'update_incompatible',
        detail: `bundle is for "${info.compatible}", this system is "${system.compatible}"`,
        bundle_version: info.version,
      });
    const target = system.slots.find((s) => !s.booted && s.bootname !== system.booted);
    await write({
      state: 'installing',
      progress: 0,
      bundle_version: info.version,
      ...(target ? { target_slot: target.bootname } : {}),
    });
    let last = 0;
    let writing = Promise.resolve();
    const r = await rauc.install(req.bundle, (p) => {
      if (p === last) return;
      last = p;
      writing = writing.then(() => write({ progress: p })).catch(() => {});
    });
    await writing;
    if (r.code !== 0) {
      const text = `${r.stderr}\n${r.stdout}`;
      log(`rauc install failed: ${shortDetail(text)}`);
      const code = classifyBundleError(text);
      return await finishBundle(finish, dir, req.bundle, {
        state: 'failed',
        error_code: code === 'update_signature_invalid' ? code : 'update_install_failed',
        detail: shortDetail(text),
      });
    }
    await report({ ...deps, rauc }).catch((err) => log(`report after install: ${err}`));
    return await finishBundle(finish, dir, req.bundle, { state: 'installed', progress: 100 });
  } catch (err) {
    log(`install failed: ${(err as Error).message}`);
    return finishBundle(finish, dir, req.bundle, {
      state: 'failed',
      error_code: 'update_install_failed',
      detail: (err as Error).message.slice(0, 300),
    });
  }
}

async function finishBundle(
  finish: (p: Partial<UpdateStatusFile>) => Promise<UpdateStatusFile>,
  dir: string,
  bundle: string,
  patch: Partial<UpdateStatusFile>,
): Promise<UpdateStatusFile> {
  await removeOwnBundle(dir, bundle);
  return finish(patch);
}

/** Deletes a bundle only when it is one of ours: a plain file directly in the update dir. */
async function removeOwnBundle(dir: string, bundle: unknown): Promise<void> {
  if (typeof bundle !== 'string' || path.dirname(bundle) !== path.resolve(dir)) return;
  try {
    if ((await lstat(bundle)).isFile()) await unlink(bundle);
  } catch {
    // already gone
  }
}

async function main(argv: string[]): Promise<number> {
  const config = loadAgentConfig();
  const log = (line: string) => process.stderr.write(`pos-update-agent: ${line}\n`);
  const deps = { config, log };
  switch (argv[0]) {
    case 'process': {
      const s = await processRequest(deps);
      log(
        s ? `request ${s.id}: ${s.state}${s.error_code ? ` (${s.error_code})` : ''}` : 'no request',
      );
      return 0;
    }
    case 'report': {
      const s = await report(deps);
      log(`booted ${s.booted}, primary ${s.primary ?? '-'}`);
      return 0;
    }
    default:
      log('usage: agent.js process | report');
      return 2;
  }
}

const entry = process.argv[1] ? path.resolve(process.argv[1]) : '';
if (
  entry.endsWith(`${path.sep}update${path.sep}agent.js`) ||
  entry.endsWith(`${path.sep}update${path.sep}agent.ts`)
) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err) => {
      process.stderr.write(`pos-update-agent: ${(err as Error).stack ?? err}\n`);
      process.exit(1);
    },
  );
}
