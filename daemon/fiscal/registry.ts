/**
 * Every fiscal provider (TSE), one line each. Adding one = one file in ./providers/ and one line
 * here; FISCAL_PROVIDER names it.
 */
import type { FiscalProviderFactory } from './provider.js';
import { fakeFiscal } from './providers/fake.js';
import { fiskalyFiscal } from './providers/fiskaly.js';
import { offFiscal } from './providers/off.js';

// prettier-ignore
export const FISCAL_PROVIDERS: FiscalProviderFactory[] = [
  fakeFiscal,
  fiskalyFiscal,
  offFiscal,
];

export const FISCAL_PROVIDER_IDS = FISCAL_PROVIDERS.map((p) => p.id);
