/**
 * A minimal PNG encoder: 8-bit RGBA, no interlace, filter 0 on every row, zlib (node:zlib) for IDAT. Enough for
 * the Teams app icons, without an image library.
 */
import { deflateSync } from "node:zlib";
import { crc32 } from "./crc32.js";

export type Rgba = readonly [number, number, number, number];

/** A drawing surface: `set(x, y, colour)`, then `encode()`. */
export class RgbaImage {
  readonly pixels: Uint8Array;

  constructor(
    readonly width: number,
    readonly height: number,
    fill: Rgba = [0, 0, 0, 0],
  ) {
    if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError("width and height are positive integers");
    this.pixels = new Uint8Array(width * height * 4);
    for (let i = 0; i < width * height; i++) this.pixels.set(fill, i * 4);
  }

  set(x: number, y: number, colour: Rgba): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(colour, (y * this.width + x) * 4);
  }

  fillRect(x: number, y: number, width: number, height: number, colour: Rgba): void {
    for (let j = y; j < y + height; j++) for (let i = x; i < x + width; i++) this.set(i, j, colour);
  }

  /** The outline of a rectangle, `stroke` pixels thick, inside the given bounds. */
  strokeRect(x: number, y: number, width: number, height: number, stroke: number, colour: Rgba): void {
    this.fillRect(x, y, width, stroke, colour);
    this.fillRect(x, y + height - stroke, width, stroke, colour);
    this.fillRect(x, y, stroke, height, colour);
    this.fillRect(x + width - stroke, y, stroke, height, colour);
  }

  encode(): Buffer {
    const stride = this.width * 4;
    const raw = Buffer.alloc((stride + 1) * this.height);
    for (let y = 0; y < this.height; y++) {
      raw[y * (stride + 1)] = 0; // filter: none
      raw.set(this.pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8; // bit depth
    header[9] = 6; // colour type: RGBA
    header[10] = 0; // compression
    header[11] = 0; // filter method
    header[12] = 0; // no interlace
    return Buffer.concat([PNG_SIGNATURE, chunk("IHDR", header), chunk("IDAT", deflateSync(raw, { level: 9 })), chunk("IEND", Buffer.alloc(0))]);
  }
}

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function chunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, "ascii");
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}
