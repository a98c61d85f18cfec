/**
 * The fake SumUp server's API (fake-server.ts serves it): the Readers paths (pair, checkout,
 * status, terminate) and the Transactions paths (look-up, refunds), with the answers and
 * errors of SumUp's OpenAPI description. Works on the server's state (FakeState).
 */
import type http from 'node:http';
import { randomUUID } from 'node:crypto';
import {
  checkoutWire,
  isUrl,
  notFoundTx,
  problem,
  send,
  txNotFound,
  wire,
  type FakeCheckout,
  type FakeReader,
  type FakeState,
} from './fake-shapes.js';

export async function api(
  s: FakeState,
  method: string,
  url: URL,
  body: Record<string, unknown>,
  res: http.ServerResponse,
): Promise<void> {
  const p = url.pathname.split('/').filter(Boolean);
  // /v2.1/merchants/{code}/transactions
  if (method === 'GET' && p[0] === 'v2.1' && p[1] === 'merchants' && p[3] === 'transactions') {
    if (p[2] !== s.merchantCode) return notFoundTx(res);
    return getTransaction(s, url.searchParams, res);
  }
  // /v1.0/merchants/{code}/payments/{transaction_id}/refunds
  if (p[0] === 'v1.0' && p[1] === 'merchants' && p[3] === 'payments' && p[5] === 'refunds') {
    if (method !== 'POST' || p.length !== 6)
      return send(res, 404, { errors: { detail: 'Not Found' } });
    if (p[2] !== s.merchantCode) return send(res, 404, txNotFound());
    return refund(s, decodeURIComponent(p[4]), body, res);
  }
  if (p[0] !== 'v0.1' || p[1] !== 'merchants' || p[3] !== 'readers') {
    return send(res, 404, { errors: { detail: 'Not Found' } });
  }
  if (p[2] !== s.merchantCode) return send(res, 404, { errors: { detail: 'Not Found' } });
  const readerId = p[4];
  const action = p[5];
  if (!readerId) {
    if (method === 'GET') {
      // The devices confirmed their pairing by the time anyone asks again.
      for (const r of s.readers.values()) if (r.status === 'processing') r.status = 'paired';
      return send(res, 200, { items: [...s.readers.values()].map(wire) });
    }
    if (method === 'POST') return pair(s, body, res);
  }
  const reader = readerId ? s.readers.get(readerId) : undefined;
  if (!reader) return send(res, 404, { errors: { detail: 'Not Found' } });
  if (!action) {
    if (method === 'GET') {
      // The device confirmed the pairing by the time anyone asks again.
      if (reader.status === 'processing') reader.status = 'paired';
      return send(res, 200, wire(reader));
    }
    if (method === 'PATCH') {
      if (typeof body.name === 'string') reader.name = body.name;
      if (body.metadata && typeof body.metadata === 'object')
        reader.metadata = body.metadata as Record<string, unknown>;
      reader.updated_at = new Date().toISOString();
      return send(res, 200, wire(reader));
    }
    if (method === 'DELETE') {
      s.readers.delete(reader.id);
      return send(res, 200, null);
    }
  }
  if (action === 'checkout' && method === 'POST' && !p[6])
    return readerCheckout(s, reader, body, res);
  if (action === 'checkout' && method === 'GET' && p[6]) {
    const c = s.checkouts.get(p[6]);
    if (!c || c.reader_id !== reader.id) return send(res, 404, { errors: { detail: 'Not Found' } });
    return send(res, 200, { data: checkoutWire(c, reader) });
  }
  if (action === 'status' && method === 'GET') {
    return send(res, 200, {
      data: {
        battery_level: 80,
        connection_type: 'Wi-Fi',
        firmware_version: '3.3.39.0',
        last_activity: new Date().toISOString(),
        state: reader.state,
        status: reader.online ? 'ONLINE' : 'OFFLINE',
      },
    });
  }
  if (action === 'terminate' && method === 'POST') return terminate(s, reader, res);
  send(res, 404, { errors: { detail: 'Not Found' } });
}

function pair(s: FakeState, body: Record<string, unknown>, res: http.ServerResponse): void {
  const code = body.pairing_code;
  const name = body.name;
  if (typeof code !== 'string' || !/^[A-Z0-9]{8,9}$/i.test(code) || typeof name !== 'string') {
    return send(res, 400, problem(400, 'Bad Request', 'Request validation failed.'));
  }
  // Codes starting with "X" stand for a code no device is showing (SumUp answers 404).
  if (/^x/i.test(code)) {
    return send(
      res,
      404,
      problem(
        404,
        "Requested resource couldn't be found.",
        "The requested resource doesn't exist or does not belong to you.",
      ),
    );
  }
  const reader = s.addReader(name);
  reader.status = 'processing';
  send(res, 201, wire(reader));
}

function readerCheckout(
  s: FakeState,
  reader: FakeReader,
  body: Record<string, unknown>,
  res: http.ServerResponse,
) {
  const amount = body.total_amount as FakeCheckout['total_amount'] | undefined;
  const errors: Record<string, string[]> = {};
  if (
    !amount ||
    !Number.isInteger(amount.value) ||
    typeof amount.currency !== 'string' ||
    !Number.isInteger(amount.minor_unit)
  )
    errors.total_amount = ['is invalid'];
  else if (amount.value <= 0) errors.total_amount = ['must be greater than 0'];
  if (body.return_url !== undefined && !isUrl(body.return_url))
    errors.return_url = ['must be a valid URL'];
  if (Object.keys(errors).length) return send(res, 422, { errors });
  if (!reader.online) {
    return send(res, 422, {
      errors: { detail: 'The device is offline.', type: 'READER_OFFLINE' },
    });
  }
  // A checkout that is still pending blocks the reader (SumUp: 60 s to start on the device,
  // other checkouts for the device are rejected meanwhile).
  const recent = s.liveCheckout(reader.id) !== undefined;
  if (recent) {
    return send(res, 422, {
      errors: { detail: 'There is a pending checkout for the device.', type: 'READER_BUSY' },
    });
  }
  const now = new Date().toISOString();
  const affiliate = body.affiliate as { foreign_transaction_id?: string } | null | undefined;
  const c: FakeCheckout = {
    checkout_id: randomUUID(),
    client_transaction_id: randomUUID(),
    transaction_id: randomUUID(),
    refunded_value: 0,
    reader_id: reader.id,
    merchant_code: s.merchantCode,
    status: 'pending',
    total_amount: amount!,
    return_url: body.return_url as string | undefined,
    foreign_transaction_id: affiliate?.foreign_transaction_id,
    description: body.description as string | undefined,
    created_at: now,
    updated_at: now,
  };
  s.checkouts.set(c.checkout_id, c);
  reader.state = 'WAITING_FOR_CARD';
  if (s.switches.outcome !== 'manual') {
    const result = s.switches.outcome === 'approve' ? 'successful' : 'failed';
    c.timer = setTimeout(() => void s.finish(c, result), s.switches.processingMs);
  }
  if (s.switches.loseCheckoutAnswer) {
    s.hold(res);
    return;
  }
  send(res, 201, {
    data: { checkout_id: c.checkout_id, client_transaction_id: c.client_transaction_id },
  });
}

function terminate(s: FakeState, reader: FakeReader, res: http.ServerResponse): void {
  if (!reader.online) {
    return send(res, 422, {
      errors: { detail: 'The device is offline.', type: 'READER_OFFLINE' },
    });
  }
  const c = s.liveCheckout(reader.id);
  if (!c) {
    return send(res, 422, {
      errors: { detail: 'The device is not waiting for the cardholder.' },
    });
  }
  clearTimeout(c.timer);
  res.statusCode = 202;
  res.setHeader('content-length', '0');
  res.end();
  // "There is no confirmation of the termination": the outcome arrives like any other.
  void s.finish(c, s.switches.terminateTooLate ? 'successful' : 'failed');
}
function getTransaction(s: FakeState, q: URLSearchParams, res: http.ServerResponse): void {
  const c = [...s.checkouts.values()].find(
    (x) =>
      (q.get('client_transaction_id') &&
        x.client_transaction_id === q.get('client_transaction_id')) ||
      (q.get('foreign_transaction_id') &&
        x.foreign_transaction_id === q.get('foreign_transaction_id')) ||
      (q.get('transaction_code') && x.transaction_code === q.get('transaction_code')) ||
      (q.get('id') && x.transaction_id === q.get('id')),
  );
  if (!c) return notFoundTx(res);
  const status =
    c.status === 'successful'
      ? c.refunded_value >= c.total_amount.value
        ? 'REFUNDED'
        : 'SUCCESSFUL'
      : c.status === 'pending'
        ? 'PENDING'
        : c.status === 'cancelled'
          ? 'CANCELLED'
          : 'FAILED';
  send(res, 200, {
    id: c.transaction_id,
    transaction_code: c.transaction_code,
    // Transactions carry the amount in major units (SumUp's TransactionBase.amount).
    amount: c.total_amount.value / 10 ** c.total_amount.minor_unit,
    currency: c.total_amount.currency,
    timestamp: c.created_at,
    status,
    simple_status: status,
    payment_type: 'POS',
    merchant_code: c.merchant_code,
    client_transaction_id: c.client_transaction_id,
    foreign_transaction_id: c.foreign_transaction_id,
    entry_mode: 'CONTACTLESS',
  });
}

/** RefundTransaction: the whole rest without `amount`, else `amount` (major units). */
function refund(
  s: FakeState,
  transactionId: string,
  body: Record<string, unknown>,
  res: http.ServerResponse,
) {
  const c = [...s.checkouts.values()].find((x) => x.transaction_id === transactionId);
  if (!c) return send(res, 404, txNotFound());
  const sw = s.switches.refundFailure;
  if (sw === 'server_error')
    return send(res, 500, problem(500, 'Internal Server Error', 'Something went wrong.'));
  const refundable = c.status === 'successful' ? c.total_amount.value - c.refunded_value : 0;
  if (sw === 'not_refundable' || refundable <= 0)
    return send(
      res,
      409,
      problem(409, 'Conflict', 'The transaction is not refundable in its current state'),
    );
  const amount = body.amount;
  let value = refundable;
  if (amount !== undefined) {
    if (typeof amount !== 'number' || !Number.isFinite(amount) || amount <= 0)
      return send(res, 400, problem(400, 'Bad Request', 'amount must be greater than zero'));
    value = Math.round(amount * 10 ** c.total_amount.minor_unit);
  }
  if (sw === 'declined' || value > refundable)
    return send(res, 422, {
      ...problem(422, 'Unprocessable Entity', 'Refund failed.'),
      errors: [
        sw === 'declined'
          ? { code: 'REFUND_DECLINED', detail: 'The card issuer declined the refund' }
          : {
              code: 'INVALID_AMOUNT',
              detail: 'Amount exceeds the refundable amount',
              reason: 'amount_too_high',
              max_refundable_amount: refundable / 10 ** c.total_amount.minor_unit,
            },
      ],
    });
  c.refunded_value += value;
  c.updated_at = new Date().toISOString();
  s.refunds.push({
    transaction_id: c.transaction_id,
    checkout_id: c.checkout_id,
    ...(amount !== undefined ? { amount: amount as number } : {}),
    value,
    at: c.updated_at,
  });
  send(res, 201, {});
}
