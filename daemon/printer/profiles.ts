/**
 * Printer model profiles: which command language (ESC/POS, StarPRNT, StarLine), code page
 * numbers and features a printer has. They come from @point-of-sale/receipt-printer-encoder
 * (its printerModels); a profile is offered when it can print code page 858, which holds the
 * German umlauts, ß and the euro sign.
 */
import ReceiptPrinterEncoder, {
  type ReceiptPrinterEncoderOptions,
} from '@point-of-sale/receipt-printer-encoder';

export type PrinterModel = NonNullable<ReceiptPrinterEncoderOptions['printerModel']>;
export type PaperWidth = 58 | 80;

/** A common Epson-compatible ESC/POS printer: what most shop printers understand. */
export const DEFAULT_MODEL: PrinterModel = 'epson-tm-t20iii';
/** Receipt text is encoded in code page 858 (850 with €): German, French, Spanish, Nordic. */
export const CODEPAGE = 'cp858';

/** Font A columns: 58 mm paper prints 32, 80 mm paper 48. */
export function columns(width: PaperWidth): number {
  return width === 58 ? 32 : 48;
}

export function newEncoder(model: PrinterModel, width: PaperWidth): ReceiptPrinterEncoder {
  return new ReceiptPrinterEncoder({ printerModel: model, columns: columns(width) });
}

let models: Array<{ id: PrinterModel; name: string; language: string }> | null = null;

/** The printer models offered in the settings: those that print code page 858. */
export function printerModels(): Array<{ id: PrinterModel; name: string; language: string }> {
  if (models) return models;
  models = [];
  for (const m of ReceiptPrinterEncoder.printerModels) {
    try {
      const e = new ReceiptPrinterEncoder({ printerModel: m.id as PrinterModel });
      e.initialize().codepage(CODEPAGE).text('€').encode();
      models.push({ id: m.id as PrinterModel, name: m.name, language: e.language });
    } catch {
      /* no code page 858 on this model: not offered */
    }
  }
  return models;
}

export function isPrinterModel(id: unknown): id is PrinterModel {
  return typeof id === 'string' && printerModels().some((m) => m.id === id);
}
