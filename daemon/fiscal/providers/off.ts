/**
 * `off`: no TSE (shops outside Germany, or under the open cash count rule). Nothing is signed
 * and receipts carry no TSE block; the fiscal service never calls the transaction methods.
 */
import { Readable } from 'node:stream';
import { TseError, type FiscalProviderFactory } from '../provider.js';

const refuse = () => Promise.reject(new TseError('fiscal_off', 'Fiscal signing is off'));

export const offFiscal: FiscalProviderFactory = {
  id: 'off',
  create: () => ({
    id: 'off',
    startTransaction: refuse,
    updateTransaction: refuse,
    finishTransaction: refuse,
    cancelTransaction: refuse,
    describe: () =>
      Promise.resolve({
        state: 'off',
        serial_number: null,
        public_key: null,
        signature_algorithm: null,
        time_format: null,
        bsi_certificate_id: null,
        signature_counter: null,
        tss_id: null,
        client_id: null,
      }),
    exportTar: refuse as () => Promise<Readable>,
  }),
};
