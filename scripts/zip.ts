// Reads one member of a zip archive held in memory: just enough of the format for a Python
// wheel (stored or deflated members, no zip64, no encryption), so the model generators need no
// unzip tool and no extra dependency.
import { crc32, inflateRawSync } from 'node:zlib';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;

interface Entry {
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

function centralDirectory(zip: Buffer): Map<string, Entry> {
  // The end record is the last 22 bytes, followed by a comment of at most 64 KiB.
  let end = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 22 - 0xffff); i--) {
    if (zip.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
      end = i;
      break;
    }
  }
  if (end < 0) throw new Error('not a zip archive: no end-of-central-directory record');
  const count = zip.readUInt16LE(end + 10);
  let p = zip.readUInt32LE(end + 16);
  if (count === 0xffff || p === 0xffffffff) throw new Error('zip64 archives are not supported');
  const entries = new Map<string, Entry>();
  for (let n = 0; n < count; n++) {
    if (p + 46 > zip.length || zip.readUInt32LE(p) !== CENTRAL_FILE_HEADER) throw new Error(`corrupt zip: no central file header at byte ${p}`);
    const nameLength = zip.readUInt16LE(p + 28);
    entries.set(zip.toString('utf8', p + 46, p + 46 + nameLength), {
      method: zip.readUInt16LE(p + 10),
      crc: zip.readUInt32LE(p + 16),
      compressedSize: zip.readUInt32LE(p + 20),
      size: zip.readUInt32LE(p + 24),
      localOffset: zip.readUInt32LE(p + 42),
    });
    p += 46 + nameLength + zip.readUInt16LE(p + 30) + zip.readUInt16LE(p + 32);
  }
  return entries;
}

/** The member's bytes, or undefined when the archive has no member of that name. */
export function readZipMember(zip: Buffer, name: string): Buffer | undefined {
  const e = centralDirectory(zip).get(name);
  if (!e) return undefined;
  const p = e.localOffset;
  if (zip.readUInt32LE(p) !== LOCAL_FILE_HEADER) throw new Error(`corrupt zip: no local header for ${name}`);
  const start = p + 30 + zip.readUInt16LE(p + 26) + zip.readUInt16LE(p + 28);
  const raw = zip.subarray(start, start + e.compressedSize);
  let data: Buffer;
  if (e.method === 0) data = Buffer.from(raw);
  else if (e.method === 8) data = inflateRawSync(raw);
  else throw new Error(`${name}: zip compression method ${e.method} is not supported (only stored and deflate)`);
  if (data.length !== e.size || crc32(data) !== e.crc) throw new Error(`corrupt zip: ${name} fails its size or CRC-32 check`);
  return data;
}
