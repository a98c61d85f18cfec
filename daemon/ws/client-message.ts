/**
 * What a client may send on its socket, checked: `{type:"ping",t}` with a finite number, and
 * `{type:"watch",terminal_id}` with a till id (never from a customer display), and
 * `{type:"client.painted"}` (the kiosk's first paint with data). Anything else is
 * an error text for a `{type:"error",code:"bad_message"}` answer; nothing changes. Pure.
 */
import type { ClientMessage } from '../protocol.js';
import { TERMINAL_RE } from './upgrade.js';

export function readClientMessage(
  data: Buffer,
  isBinary: boolean,
  display: boolean,
): ClientMessage | { error: string } {
  if (isBinary) return { error: 'Messages must be JSON text' };
  let msg: ClientMessage;
  try {
    msg = JSON.parse(data.toString('utf8'));
  } catch {
    return { error: 'Message is not valid JSON' };
  }
  if (!msg || typeof msg !== 'object' || Array.isArray(msg))
    return { error: 'Message must be a JSON object with a "type"' };
  switch (msg.type) {
    case 'ping':
      if (typeof msg.t !== 'number' || !Number.isFinite(msg.t))
        return { error: 'ping needs a numeric "t"' };
      return { type: 'ping', t: msg.t };
    case 'watch':
      if (display) return { error: 'A customer display cannot watch another till' };
      if (typeof msg.terminal_id !== 'string' || !TERMINAL_RE.test(msg.terminal_id))
        return { error: 'watch needs a terminal_id of 1-64 letters, digits, "_" or "-"' };
      return { type: 'watch', terminal_id: msg.terminal_id };
    case 'client.painted':
      if (display) return { error: 'A customer display does not report the kiosk paint' };
      return { type: 'client.painted' };
    default:
      return {
        error: `Unknown message type ${JSON.stringify(String((msg as { type?: unknown }).type)).slice(0, 80)}`,
      };
  }
}
