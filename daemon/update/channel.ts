/**
 * The update channel: a JSON manifest the owner publishes at a URL they configure,
 *   {"version": "0.2.0", "url": "pos-0.2.0.raucb", "sha256": "<64 hex>", "size"?: n, "notes"?: ""}
 * (`url` may be relative to the manifest's own URL), and the streamed, checksummed download
 * of the bundle it names. Network trouble is `update_download_failed`; a manifest that does not
 * follow the shape is `update_manifest_invalid`; every wait is bounded.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import semver from 'semver';
import { DomainError, fail } from '../core/errors.js';
import type { UpdateManifest } from '../protocol.js';

export const MANIFEST_MAX_BYTES = 64 * 1024;
export const MANIFEST_TIMEOUT_MS = 15_000;
/** A download that receives nothing for this long is given up. */
export const DOWNLOAD_IDLE_MS = 60_000;

/** A channel URL as the owner typed it: http(s) only, no credentials in it, ≤ 2000 chars. */
export function channelUrl(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 2000)
    fail(400, 'invalid_field', 'url must be an http or https URL', 'url');
  let u: URL;
  try {
    u = new URL(raw.trim());
  } catch {
    fail(400, 'invalid_field', 'url must be an http or https URL', 'url');
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    fail(400, 'invalid_field', 'url must be an http or https URL', 'url');
  if (u.username || u.password)
    fail(400, 'invalid_field', 'url must not carry a user name or password', 'url');
  return u.toString();
}

const downloadFailed = (why: string): never =>
  fail(502, 'update_download_failed', `Update download failed: ${why}`);

/** Checks a manifest's fields; a relative bundle URL is resolved against the manifest's URL. */
export function parseManifest(value: unknown, manifestUrl: string): UpdateManifest {
  const bad = (why: string): never =>
    fail(502, 'update_manifest_invalid', `Update manifest is not usable: ${why}`);
  if (!value || typeof value !== 'object' || Array.isArray(value)) bad('not a JSON object');
  const m = value as Record<string, unknown>;
  if (typeof m.version !== 'string' || !semver.valid(m.version))
    bad('version must be a semantic version such as 0.2.0');
  if (typeof m.url !== 'string' || !m.url) bad('url is missing');
  let bundle: URL;
  try {
    bundle = new URL(m.url as string, manifestUrl);
  } catch {
    return bad('url is not a URL');
  }
  if (bundle.protocol !== 'http:' && bundle.protocol !== 'https:') bad('url must be http(s)');
  if (typeof m.sha256 !== 'string' || !/^[0-9a-f]{64}$/i.test(m.sha256))
    bad('sha256 must be 64 hex digits');
  if (m.size !== undefined && (!Number.isSafeInteger(m.size) || (m.size as number) <= 0))
    bad('size must be a positive whole number');
  if (m.notes !== undefined && (typeof m.notes !== 'string' || m.notes.length > 2000))
    bad('notes must be text of at most 2000 characters');
  return {
    version: m.version as string,
    url: bundle.toString(),
    sha256: (m.sha256 as string).toLowerCase(),
    ...(m.size !== undefined ? { size: m.size as number } : {}),
    ...(m.notes !== undefined ? { notes: m.notes as string } : {}),
  };
}

/** Is `candidate` newer than the running version? */
export function isNewer(candidate: string, running: string): boolean {
  const r = semver.valid(running) ?? semver.coerce(running)?.version;
  return r ? semver.gt(candidate, r) : true;
}

export async function fetchManifest(url: string): Promise<UpdateManifest> {
  let res: Response;
  try {
    res = await fetch(url, {
      signal: AbortSignal.timeout(MANIFEST_TIMEOUT_MS),
      headers: { accept: 'application/json' },
      redirect: 'follow',
    });
  } catch (err) {
    return downloadFailed(`manifest: ${(err as Error).message}`);
  }
  if (!res.ok) {
    await res.body?.cancel().catch(() => {});
    downloadFailed(`manifest: HTTP ${res.status}`);
  }
  let text = '';
  try {
    const reader = res.body?.getReader();
    while (reader) {
      const chunk = await reader.read();
      if (chunk.done) break;
      text += Buffer.from(chunk.value).toString('utf8');
      if (text.length > MANIFEST_MAX_BYTES) {
        await reader.cancel();
        fail(502, 'update_manifest_invalid', 'Update manifest is larger than 64 KiB');
      }
    }
  } catch (err) {
    if (err instanceof DomainError) throw err;
    downloadFailed(`manifest: ${(err as Error).message}`);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    fail(502, 'update_manifest_invalid', 'Update manifest is not JSON');
  }
  return parseManifest(json, res.url || url);
}

/**
 * Streams `url` into `dest` (fsync'd), hashing on the way; refuses more than `maxBytes` and a
 * sha256 other than `sha256` (the file is deleted then). `onProgress(bytes, total)`.
 */
export async function downloadBundle(opts: {
  url: string;
  dest: string;
  sha256: string;
  maxBytes: number;
  signal: AbortSignal;
  onProgress(bytes: number, total: number | null): void;
}): Promise<number> {
  const idle = new AbortController();
  const signal = AbortSignal.any([opts.signal, idle.signal]);
  let timer = setTimeout(() => idle.abort(), DOWNLOAD_IDLE_MS);
  const alive = () => {
    clearTimeout(timer);
    timer = setTimeout(() => idle.abort(), DOWNLOAD_IDLE_MS);
  };
  try {
    let res: Response;
    try {
      res = await fetch(opts.url, { signal, redirect: 'follow' });
    } catch (err) {
      return downloadFailed((err as Error).message);
    }
    if (!res.ok || !res.body) {
      await res.body?.cancel().catch(() => {});
      return downloadFailed(`HTTP ${res.status}`);
    }
    const declared = Number(res.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(declared) ? declared : null;
    if (total !== null && total > opts.maxBytes) {
      await res.body.cancel().catch(() => {});
      fail(413, 'update_too_large', 'The bundle is larger than POS_UPDATE_MAX_BYTES');
    }
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        alive();
        bytes += chunk.length;
        if (bytes > opts.maxBytes)
          return done(
            new DomainError(413, 'update_too_large', 'The bundle is larger than the limit'),
          );
        hash.update(chunk);
        opts.onProgress(bytes, total);
        done(null, chunk);
      },
    });
    try {
      await pipeline(
        Readable.fromWeb(res.body as unknown as WebReadableStream),
        meter,
        createWriteStream(opts.dest),
      );
      const h = await open(opts.dest, 'r+');
      await h.sync().finally(() => h.close());
    } catch (err) {
      await unlink(opts.dest).catch(() => {});
      if (err instanceof DomainError) throw err;
      return downloadFailed((err as Error).message);
    }
    if (hash.digest('hex') !== opts.sha256) {
      await unlink(opts.dest).catch(() => {});
      fail(422, 'update_checksum_mismatch', 'The bundle does not match the sha256 of the manifest');
    }
    return bytes;
  } finally {
    clearTimeout(timer);
  }
}
