// src/emulator/model.generated.ts and test/fixtures/put-integration-model.generated.ts must be what
// the generators make of the pinned botocore release's model. The model is fetched with pip from
// PyPI on first use and cached outside the repository (scripts/botocore-model.ts); without PyPI
// and without a cached copy, the regeneration tests fail and say how to supply the model.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { BOTOCORE_VERSION, MODEL_SHA256, loadModel, sha256, type LoadedModel } from '../../../scripts/botocore-model.ts';
import { API_MODEL_PATH, renderApiModel } from '../../../scripts/gen-api-model.ts';
import { GENERATED_PATH, SERVED_OPERATIONS, renderModel } from '../../../scripts/gen-emulator-model.ts';
import { operations, shapes } from '../../../src/emulator/model.generated.ts';

const generated = readFileSync(GENERATED_PATH, 'utf8');
const sourceHash = (text: string) => /^\/\/ source-sha256: ([0-9a-f]{64})$/m.exec(text)?.[1];

// One download at most per run, shared by the tests that need the model; a cold cache costs one
// pip download of the botocore wheel (about 15 MB).
let pinned: Promise<LoadedModel> | undefined;
const pinnedModel = () => (pinned ??= loadModel());
const DOWNLOAD_TIMEOUT_MS = 300_000;

describe('model.generated.ts', () => {
  it('has an intact header: the body hash matches the body', () => {
    const bodyHash = /^\/\/ body-sha256: ([0-9a-f]{64})$/m.exec(generated)?.[1];
    const body = generated.slice(generated.indexOf('\n\n') + 2).replace(/\n$/, '');
    expect(createHash('sha256').update(body).digest('hex')).toBe(bodyHash);
  });

  it(`comes from the pinned botocore ${BOTOCORE_VERSION} model`, () => {
    expect(sourceHash(generated)).toBe(MODEL_SHA256);
  });

  it(
    `equals a fresh generation from botocore ${BOTOCORE_VERSION}'s model`,
    async () => {
      const { text } = await pinnedModel();
      expect(sha256(text)).toBe(MODEL_SHA256);
      expect(renderModel(text)).toBe(generated);
    },
    DOWNLOAD_TIMEOUT_MS,
  );

  it('serves exactly the listed operations, with every shape they reach', () => {
    expect(Object.keys(operations).sort()).toEqual([...SERVED_OPERATIONS].sort());
    const seen = new Set<string>();
    const visit = (name: string) => {
      if (seen.has(name)) return;
      seen.add(name);
      const s = shapes[name];
      expect(s, name).toBeDefined();
      if (s!.type === 'structure') for (const m of Object.values(s!.members)) visit(m.shape);
      if (s!.type === 'list') visit(s!.member);
      if (s!.type === 'map') {
        visit(s!.key);
        visit(s!.value);
      }
    };
    for (const op of Object.values(operations)) {
      visit(op.input);
      visit(op.output);
    }
    expect(seen.size).toBe(Object.keys(shapes).length);
  });

  it('keeps the routes and constraints the emulator relies on (docs/design.md#aws-api-facts-the-code-relies-on)', () => {
    expect(operations.PutIntegration).toMatchObject({ method: 'PUT', uri: '/domains/{DomainName}/integrations' });
    expect(operations.GetIntegration).toMatchObject({ method: 'POST', uri: '/domains/{DomainName}/integrations' });
    expect(operations.ListIntegrations).toMatchObject({ method: 'GET', uri: '/domains/{DomainName}/integrations' });
    expect(operations.DeleteIntegration).toMatchObject({ method: 'POST', uri: '/domains/{DomainName}/integrations/delete' });
    expect(shapes.TagKey).toEqual({ type: 'string', min: 1, max: 128, pattern: '^(?!aws:)[a-zA-Z+-=._:/]+$' });
    expect(shapes.Scope).toEqual({ type: 'string', enum: ['PROFILE', 'DOMAIN'] });
  });
});

describe('put-integration-model.generated.ts (test fixture)', () => {
  it(
    `equals a fresh generation from botocore ${BOTOCORE_VERSION}'s model`,
    async () => {
      const fixture = readFileSync(API_MODEL_PATH, 'utf8');
      expect(sourceHash(fixture)).toBe(MODEL_SHA256);
      expect(renderApiModel((await pinnedModel()).text)).toBe(fixture);
    },
    DOWNLOAD_TIMEOUT_MS,
  );
});
