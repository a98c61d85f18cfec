/**
 * The connection to fiskaly SIGN DE: JSON over fetch, each call bounded by FISCAL_TIMEOUT_MS
 * (a timeout is `tse_timeout`, no answer `tse_unreachable`), with an access token from
 * `POST /auth` that is cached, refreshed a minute before it runs out (by the refresh token,
 * else a new login), and fetched anew once when an answer is 401.
 */
import type { Config } from '../../config.js';
import type { Clock } from '../../clock.js';
import { TseError } from '../provider.js';

export interface FiskalyAnswer {
  status: number;
  json: Record<string, unknown>;
  res: Response;
}

export class FiskalySession {
  private token: { value: string; refresh: string | null; expiresAt: number } | null = null;
  private authing: Promise<string> | null = null;

  constructor(
    private readonly config: Pick<
      Config,
      'fiskalyApiUrl' | 'fiskalyApiKey' | 'fiskalyApiSecret' | 'fiscalTimeoutMs'
    >,
    private readonly clock: Clock,
  ) {}

  async raw(method: string, path: string, body?: unknown, token?: string): Promise<FiskalyAnswer> {
    let res: Response;
    try {
      res = await fetch(`${this.config.fiskalyApiUrl}${path}`, {
        method,
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.fiscalTimeoutMs),
      });
    } catch (err) {
      const e = err as Error;
      throw new TseError(
        e.name === 'TimeoutError' ? 'tse_timeout' : 'tse_unreachable',
        `fiskaly ${method} ${path}: ${e.message}`,
      );
    }
    if (path.endsWith('/file') && res.ok) return { status: res.status, json: {}, res };
    const text = await res.text();
    let json: Record<string, unknown>;
    try {
      json = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      json = { message: text.slice(0, 200) };
    }
    return { status: res.status, json, res };
  }

  /** A valid access token: cached, refreshed a minute before it runs out, else a new login. */
  private async accessToken(force = false): Promise<string> {
    const now = this.clock.now();
    if (!force && this.token && now < this.token.expiresAt - 60_000) return this.token.value;
    this.authing ??= (async () => {
      const c = this.config;
      let r = this.token?.refresh
        ? await this.raw('POST', '/auth', { refresh_token: this.token.refresh })
        : null;
      if (!r || r.status !== 200)
        r = await this.raw('POST', '/auth', {
          api_key: c.fiskalyApiKey,
          api_secret: c.fiskalyApiSecret,
        });
      if (r.status !== 200)
        throw new TseError(
          'tse_auth',
          `fiskaly auth refused (${r.status}): ${String(r.json.message ?? '')}`,
          r.status,
        );
      const j = r.json as {
        access_token: string;
        access_token_expires_in?: number;
        refresh_token?: string;
      };
      this.token = {
        value: j.access_token,
        refresh: j.refresh_token ?? null,
        expiresAt: this.clock.now() + (j.access_token_expires_in ?? 300) * 1000,
      };
      return j.access_token;
    })().finally(() => (this.authing = null));
    return this.authing;
  }

  /** A call with the access token (a 401 gets one fresh token and one more try). */
  async call(method: string, path: string, body?: unknown): Promise<FiskalyAnswer> {
    let r = await this.raw(method, path, body, await this.accessToken());
    if (r.status === 401) r = await this.raw(method, path, body, await this.accessToken(true));
    return r;
  }

  /** A call whose answer must be 2xx; else tse_error (5xx) or tse_refused. */
  async ok<T>(method: string, path: string, body?: unknown): Promise<T> {
    const r = await this.call(method, path, body);
    if (r.status >= 200 && r.status < 300) return r.json as T;
    throw new TseError(
      r.status >= 500 ? 'tse_error' : 'tse_refused',
      `fiskaly ${method} ${path} answered ${r.status}: ${String(r.json.code ?? '')} ${String(r.json.message ?? '')}`.trim(),
      r.status,
    );
  }
}
