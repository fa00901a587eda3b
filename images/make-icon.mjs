// Draws images/icon.png (128x128): a memory module whose slots fill up, the last one refused.
// Plain zlib + PNG chunks, so no image tool is needed. Run: node images/make-icon.mjs
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const size = 128;
const pixels = Buffer.alloc(size * size * 4);
function fill(x0, y0, x1, y1, [r, g, b, a = 255]) {
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) pixels.set([r, g, b, a], (y * size + x) * 4);
}
const inRoundedRect = (x, y, x0, y0, x1, y1, radius) => {
  const cx = Math.min(Math.max(x, x0 + radius), x1 - radius - 1);
  const cy = Math.min(Math.max(y, y0 + radius), y1 - radius - 1);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
};
for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) {
  if (inRoundedRect(x, y, 4, 4, 124, 124, 20)) pixels.set([28, 43, 74, 255], (y * size + x) * 4);
}
fill(18, 40, 110, 82, [46, 125, 50]);            // the module's board
for (let i = 0; i < 9; i++) fill(20 + i * 10, 82, 26 + i * 10, 92, [230, 185, 60]); // contacts
const slotColours = [[129, 199, 132], [129, 199, 132], [129, 199, 132], [129, 199, 132], [239, 83, 80]];
slotColours.forEach((colour, i) => fill(24 + i * 17, 48, 36 + i * 17, 74, colour)); // chips: used, used, ..., refused
fill(96, 22, 104, 36, [239, 83, 80]);            // the refusal mark: "!"
fill(96, 38, 104, 42, [239, 83, 80]);

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
const crc32 = (buf) => { let c = 0xffffffff; for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8); return (c ^ 0xffffffff) >>> 0; };
function chunk(type, data) {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'ascii');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
const header = Buffer.alloc(13);
header.writeUInt32BE(size, 0); header.writeUInt32BE(size, 4);
header.set([8, 6, 0, 0, 0], 8);                    // 8-bit RGBA, no interlace
const raw = Buffer.alloc(size * (size * 4 + 1));
for (let y = 0; y < size; y++) pixels.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4);
const png = Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
writeFileSync(new URL('./icon.png', import.meta.url), png);
console.log(`wrote images/icon.png (${png.length} bytes)`);
