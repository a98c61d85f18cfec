/**
 * Product images: sharp decodes the upload (so a non-image is refused whatever its name or
 * Content-Type says), applies the EXIF orientation, drops all metadata (sharp writes none
 * unless asked), bounds it to 512 px and stores WebP under DATA_DIR/images via temp + fsync +
 * rename.
 */
import { DomainError } from '../core/errors.js';
import { readFile, unlink, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { removeStaleTemps, writeFileDurable } from '../store/index.js';

export const IMAGE_MAX_BYTES = 8 * 1024 * 1024;
export const IMAGE_MAX_PIXELS = 40_000_000;
export const IMAGE_SIZE_PX = 512;

export class ImageError extends DomainError {
  constructor(status: 400 | 413, message: string) {
    super(status, status === 413 ? 'payload_too_large' : 'invalid_image', message);
  }
}

export class ProductImages {
  constructor(private readonly dir: string) {}

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await removeStaleTemps(this.dir);
  }

  private file(id: string): string {
    // ids are validated by the router ([A-Za-z0-9_-]); basename is a second guard.
    return path.join(this.dir, `${path.basename(id)}.webp`);
  }

  /** Normalises and stores the image; returns a short content hash for cache busting. */
  async put(id: string, input: Buffer): Promise<string> {
    if (input.length > IMAGE_MAX_BYTES)
      throw new ImageError(413, `Image is larger than ${IMAGE_MAX_BYTES / 1024 / 1024} MB`);
    let out: Buffer;
    try {
      const meta = await sharp(input, { limitInputPixels: IMAGE_MAX_PIXELS }).metadata();
      if (!meta.format || !meta.width || !meta.height) throw new Error('no image');
      out = await sharp(input, { limitInputPixels: IMAGE_MAX_PIXELS })
        .rotate()
        .resize(IMAGE_SIZE_PX, IMAGE_SIZE_PX, { fit: 'inside', withoutEnlargement: true })
        .webp({ quality: 82 })
        .toBuffer();
    } catch (err) {
      const msg = (err as Error).message;
      if (/pixel limit/i.test(msg)) throw new ImageError(413, 'Image has too many pixels');
      throw new ImageError(400, 'File is not a supported image (JPEG, PNG, WebP, GIF, AVIF, TIFF)');
    }
    await writeFileDurable(this.file(id), out);
    return createHash('sha256').update(out).digest('hex').slice(0, 12);
  }

  async get(id: string): Promise<Buffer | null> {
    try {
      return await readFile(this.file(id));
    } catch {
      return null;
    }
  }

  async remove(id: string): Promise<void> {
    await unlink(this.file(id)).catch(() => {});
  }
}
