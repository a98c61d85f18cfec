/**
 * DSFinV-K business cases (GV_TYP) of sale lines and the closing's sums per business case and
 * VAT key (businesscases.csv / Z_GV_Typ). A product line is `Umsatz` at its price before
 * discounts; a discount is its own case `Rabatt` (negative) under the line's VAT key; a deposit
 * sold with a product is `Pfand`, a returned deposit `PfandRueckzahlung` (negative), each under
 * the deposit product's own VAT key. So the cases of one VAT key add up to what was taken.
 */
import type { LineKind } from '../protocol.js';
import { vatOfGross } from '../receipts/vat.js';
import { caseOfKind, type BusinessCase } from '../sale-payments.js';

/** GV_TYP: the business cases the export writes (sale-payments.ts names them). */
export type GvTyp = BusinessCase;

/** GV_TYP of a sale or refund line by its kind. */
export function gvTyp(kind: LineKind | undefined): GvTyp {
  return caseOfKind(kind);
}

/** Gross sums per business case and VAT key; VAT is computed once per sum (as the Z does). */
export class CaseSums {
  private sums = new Map<string, { typ: GvTyp; key: number; rate: number; gross: number }>();

  add(typ: GvTyp, key: number, rate: number, gross: number): void {
    if (!gross) return;
    const id = `${typ}|${key}`;
    const s = this.sums.get(id) ?? { typ, key, rate, gross: 0 };
    s.gross += gross;
    this.sums.set(id, s);
  }

  /** Rows ordered by VAT key, then case: [GV_TYP, key, gross, net, vat] in cents. */
  rows(): Array<{ typ: GvTyp; key: number; gross: number; net: number; vat: number }> {
    const order: GvTyp[] = [
      'Umsatz',
      'Rabatt',
      'Pfand',
      'PfandRueckzahlung',
      'MehrzweckgutscheinKauf',
      'MehrzweckgutscheinEinloesung',
      'EinzweckgutscheinEinloesung',
      'TrinkgeldAN',
      'TrinkgeldAG',
    ];
    return [...this.sums.values()]
      .sort((a, b) => a.key - b.key || order.indexOf(a.typ) - order.indexOf(b.typ))
      .map((s) => {
        const vat = vatOfGross(s.gross, s.rate);
        return { typ: s.typ, key: s.key, gross: s.gross, net: s.gross - vat, vat };
      });
  }
}
