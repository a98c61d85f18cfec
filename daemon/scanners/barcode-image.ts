/** The pairing code as a picture, rendered by bwip-js (SVG inline in JSON, PNG on its own URL). */
import bwipjs from 'bwip-js';

/** bwip-js names of 2D symbologies: square modules, no fixed bar height, no human-readable line. */
const TWO_D = new Set([
  'qrcode',
  'microqrcode',
  'rectangularmicroqrcode',
  'datamatrix',
  'datamatrixrectangular',
  'azteccode',
  'azteccodecompact',
  'pdf417',
  'micropdf417',
  'maxicode',
  'hanxin',
  'dotcode',
  'ultracode',
]);

function options(text: string, format: string): Parameters<typeof bwipjs.toSVG>[0] {
  const bcid = format.toLowerCase();
  const base = {
    bcid,
    text,
    scale: 3,
    paddingwidth: 8,
    paddingheight: 8,
    backgroundcolor: 'FFFFFF',
  };
  // 15 mm bars read well from a screen at arm's length; the text helps when typing it is the fallback.
  return TWO_D.has(bcid) ? base : { ...base, height: 15, includetext: true, textxalign: 'center' };
}

export class BarcodeRenderError extends Error {}

export function barcodeSvg(text: string, format: string): string {
  try {
    return bwipjs.toSVG(options(text, format));
  } catch (err) {
    throw new BarcodeRenderError(
      `cannot render ${format}: ${String((err as Error)?.message ?? err)}`,
    );
  }
}

export async function barcodePng(text: string, format: string): Promise<Buffer> {
  try {
    return await bwipjs.toBuffer(options(text, format));
  } catch (err) {
    throw new BarcodeRenderError(
      `cannot render ${format}: ${String((err as Error)?.message ?? err)}`,
    );
  }
}
