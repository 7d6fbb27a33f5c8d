// Where the API model generators get botocore's Customer Profiles model (service-2.json): a file
// named on the command line, or the model inside a pinned botocore release. The release is
// downloaded from PyPI with pip, the ordinary client (so the machine's index settings apply), and
// the model is cached outside the repository. The model is AWS's reference data: the repository
// keeps only what the generators make of it. See docs/design.md#the-api-model.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { readZipMember } from './zip.ts';

/** The botocore release (2026-08-07) whose model the committed generated files come from. */
export const BOTOCORE_VERSION = '1.43.67';
/** sha256 of that release's customer-profiles/2020-08-15/service-2.json: the generated files' `source-sha256`. */
export const MODEL_SHA256 = 'e6ea65fed6b26dc217c381ab34b1b6828db336d4f8c667b7ccfdb5d6a18ef5a4';
const MEMBER = 'botocore/data/customer-profiles/2020-08-15/service-2.json';

/** A shape of the model as the generators read it and the API model fixture keeps it (no
 * documentation, no error traits). */
export interface ModelShape {
  type: string;
  members?: Record<string, { shape: string; location?: string }>;
  required?: string[];
  member?: { shape: string };
  key?: { shape: string };
  value?: { shape: string };
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
}

export const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

export interface LoadedModel {
  text: string;
  /** Where it came from, for messages. */
  source: string;
}

/** `${XDG_CACHE_HOME:-~/.cache}/customer-profiles-operator/botocore-<version>`. */
export function modelCacheDir(version = BOTOCORE_VERSION): string {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'customer-profiles-operator', `botocore-${version}`);
}

/** The model at `path` when one is given; else the pinned release's, from the cache or PyPI. */
export async function loadModel(path?: string): Promise<LoadedModel> {
  if (path) return { text: await readFile(path, 'utf8'), source: path };
  const dir = modelCacheDir();
  const cached = join(dir, 'service-2.json');
  const hit = await readFile(cached, 'utf8').catch(() => undefined);
  if (hit !== undefined && sha256(hit) === MODEL_SHA256) return { text: hit, source: cached };
  const text = await downloadModel(cached);
  await mkdir(dir, { recursive: true });
  // Write then rename: a reader running at the same time never sees half a file.
  const partial = `${cached}.${process.pid}.partial`;
  await writeFile(partial, text);
  await rename(partial, cached);
  return { text, source: `botocore ${BOTOCORE_VERSION} from PyPI (cached as ${cached})` };
}

async function downloadModel(cached: string): Promise<string> {
  const work = await mkdtemp(join(tmpdir(), 'cpi-botocore-'));
  const instead = `Without PyPI, pass the model's path to the generator (node scripts/gen-emulator-model.ts path/to/service-2.json), or put botocore ${BOTOCORE_VERSION}'s ${MEMBER} at ${cached}.`;
  try {
    const python = process.env.PYTHON || 'python3';
    const args = ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--disable-pip-version-check', '--quiet', '--dest', work, `botocore==${BOTOCORE_VERSION}`];
    try {
      await promisify(execFile)(python, args, { timeout: 300_000, maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as { stderr?: string; message: string };
      const why = (e.stderr?.trim() || e.message).split('\n').slice(-5).join('\n');
      throw new Error(`could not download botocore ${BOTOCORE_VERSION} with \`${python} ${args.join(' ')}\`:\n${why}\n${instead}`);
    }
    const wheel = (await readdir(work)).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new Error(`pip downloaded no wheel of botocore ${BOTOCORE_VERSION} into ${work}. ${instead}`);
    const zip = await readFile(join(work, wheel));
    // Recent releases store the JSON models gzipped; older ones store them plain.
    const gz = readZipMember(zip, `${MEMBER}.gz`);
    const plain = gz ? gunzipSync(gz) : readZipMember(zip, MEMBER);
    if (!plain) throw new Error(`${wheel} has no ${MEMBER}(.gz)`);
    const text = plain.toString('utf8');
    const got = sha256(text);
    if (got !== MODEL_SHA256) {
      throw new Error(`${MEMBER} in ${wheel} has sha256 ${got}, not the pinned ${MODEL_SHA256}. If you moved BOTOCORE_VERSION on purpose, set MODEL_SHA256 in scripts/botocore-model.ts to ${got} and regenerate.`);
    }
    return text;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}
