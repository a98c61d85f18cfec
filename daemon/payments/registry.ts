/**
 * Every payment provider, one line each. Adding a provider = one file in ./providers/ and one
 * line here; nothing else changes.
 */
import type { ProviderFactory } from './provider.js';
import { cashProvider } from './providers/cash.js';
import { fakeCardProvider } from './providers/fake_card.js';
import { sumupSolo } from './providers/sumup_solo.js';
import { sumupTap } from './providers/sumup_tap.js';

// prettier-ignore
export const PROVIDERS: ProviderFactory[] = [
  cashProvider,
  fakeCardProvider,
  sumupSolo,
  sumupTap,
];
