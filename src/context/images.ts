// Images attached to a run are sent as data URIs. The type comes from the file's bytes, not its name:
// a renamed file must not be sent as something it is not, and SVG (which can hold script) is refused.

export type ImageMimeType = 'image/png' | 'image/jpeg' | 'image/gif' | 'image/webp';

export type ImageErrorReason = 'empty' | 'too-large' | 'unsupported';

export class ImageAttachmentError extends Error {
  override readonly name = 'ImageAttachmentError';
  constructor(
    readonly reason: ImageErrorReason,
    message: string,
  ) {
    super(message);
  }
}

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((byte, i) => bytes[offset + i] === byte);
}

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const GIF87A = [0x47, 0x49, 0x46, 0x38, 0x37, 0x61];
const GIF89A = [0x47, 0x49, 0x46, 0x38, 0x39, 0x61];
const RIFF = [0x52, 0x49, 0x46, 0x46];
const WEBP = [0x57, 0x45, 0x42, 0x50];

/** The image type the bytes start with, or undefined. */
export function detectImageType(bytes: Uint8Array): ImageMimeType | undefined {
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  if (startsWith(bytes, GIF87A) || startsWith(bytes, GIF89A)) return 'image/gif';
  if (startsWith(bytes, RIFF) && startsWith(bytes, WEBP, 8)) return 'image/webp';
  return undefined;
}

/** A byte count as people read it: 512 bytes, 12.3 KB, 4.8 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${bytes === 1 ? 'byte' : 'bytes'}`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? value.toFixed(0) : value.toFixed(1)} ${units[unit] ?? 'GB'}`;
}

/**
 * A `data:image/...;base64,` URI for a PNG, JPEG, GIF or WebP image.
 * Throws ImageAttachmentError when the file is empty, larger than maxBytes, or not one of those types.
 */
export function imageToDataUri(fileName: string, bytes: Uint8Array, maxBytes: number): string {
  const name = fileName.split(/[\\/]/).pop() || fileName;
  if (bytes.length === 0) throw new ImageAttachmentError('empty', `${name} is empty.`);
  if (bytes.length > maxBytes) {
    throw new ImageAttachmentError(
      'too-large',
      `${name} is ${formatBytes(bytes.length)}; images can be at most ${formatBytes(maxBytes)}.`,
    );
  }
  const type = detectImageType(bytes);
  if (type === undefined) {
    throw new ImageAttachmentError('unsupported', `${name} is not a PNG, JPEG, GIF or WebP image.`);
  }
  return `data:${type};base64,${Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64')}`;
}
