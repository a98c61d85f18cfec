/**
 * German (default) and English strings. The tables live by area in ./messages/ (one file per
 * part of the UI); this module joins them and translates. `t(key, vars)` fills `{name}`
 * placeholders. The language is kept per browser in localStorage; components re-render
 * through I18nController.
 */
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import * as common from './messages/common.js';
import * as pos from './messages/pos.js';
import * as admin from './messages/admin.js';
import * as scanners from './messages/scanners.js';
import * as closing from './messages/closing.js';
import * as settings from './messages/settings.js';
import * as fiscal from './messages/fiscal.js';
import * as vouchers from './messages/vouchers.js';
import * as errors from './messages/errors.js';
import * as fleet from './messages/fleet.js';
import * as display from './messages/display.js';
import * as shift from './messages/shift.js';
import * as selling from './messages/selling.js';
import * as update from './messages/update.js';

export type Lang = 'de' | 'en';
export const LANG_KEY = 'pos.lang';

/** The area tables; a key belongs to exactly one (tests/unit/ui-i18n.test.ts checks). */
export const AREAS = {
  common,
  pos,
  admin,
  scanners,
  closing,
  settings,
  fiscal,
  fleet,
  display,
  shift,
  selling,
  vouchers,
  update,
  errors,
};

const de = {
  ...common.de,
  ...pos.de,
  ...admin.de,
  ...scanners.de,
  ...closing.de,
  ...settings.de,
  ...fiscal.de,
  ...vouchers.de,
  ...fleet.de,
  ...display.de,
  ...shift.de,
  ...selling.de,
  ...update.de,
  ...errors.de,
};

export type MessageKey = keyof typeof de;

const en: Record<MessageKey, string> = {
  ...common.en,
  ...pos.en,
  ...admin.en,
  ...scanners.en,
  ...closing.en,
  ...settings.en,
  ...fiscal.en,
  ...vouchers.en,
  ...fleet.en,
  ...display.en,
  ...shift.en,
  ...selling.en,
  ...update.en,
  ...errors.en,
};

export const MESSAGES: Record<Lang, Record<MessageKey, string>> = { de, en };

export type Vars = Record<string, string | number>;

/**
 * A text to show later (a toast, a refusal on a dialog): kept as key and values and translated
 * when rendered, so it follows a language switch.
 */
export interface Notice {
  key: MessageKey;
  vars?: Vars;
}

let current: Lang = 'de';
const listeners = new Set<() => void>();

export function isMessageKey(key: string): key is MessageKey {
  return Object.prototype.hasOwnProperty.call(de, key);
}

/** The `{name}` placeholders of a text, in order. */
export function placeholders(text: string): string[] {
  return [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

export function fillTemplate(text: string, vars: Vars = {}): string {
  return text.replace(/\{(\w+)\}/g, (m, k: string) => (k in vars ? String(vars[k]) : m));
}

export function translate(lang: Lang, key: MessageKey, vars?: Vars): string {
  return fillTemplate(MESSAGES[lang][key] ?? MESSAGES.de[key] ?? key, vars);
}

export function t(key: MessageKey, vars?: Vars): string {
  return translate(current, key, vars);
}

/** A notice in the current language. */
export function tn(notice: Notice): string {
  return translate(current, notice.key, notice.vars);
}

export function lang(): Lang {
  return current;
}

export function parseLang(value: string | null | undefined): Lang {
  return value === 'en' ? 'en' : 'de';
}

export function setLang(next: Lang): void {
  current = next;
  try {
    localStorage.setItem(LANG_KEY, next);
  } catch {
    /* private mode: the choice lasts for this page only */
  }
  document.documentElement.lang = next;
  for (const l of listeners) l();
}

/**
 * The shop's language (from the daemon) for a browser that never chose one: the till speaks
 * the shop's language until the cashier switches.
 */
export function setDefaultLang(shop: Lang): void {
  let stored: string | null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    stored = null;
  }
  if (stored || shop === current) return;
  current = shop;
  document.documentElement.lang = shop;
  for (const l of listeners) l();
}

/** Reads the stored choice; German unless the browser chose English before. */
export function initLang(): Lang {
  let stored: string | null;
  try {
    stored = localStorage.getItem(LANG_KEY);
  } catch {
    stored = null;
  }
  current = parseLang(stored);
  document.documentElement.lang = current;
  return current;
}

/** Re-renders its host when the language changes. */
export class I18nController implements ReactiveController {
  private readonly onChange = () => this.host.requestUpdate();
  constructor(private readonly host: ReactiveControllerHost) {
    host.addController(this);
  }
  hostConnected(): void {
    listeners.add(this.onChange);
  }
  hostDisconnected(): void {
    listeners.delete(this.onChange);
  }
}
