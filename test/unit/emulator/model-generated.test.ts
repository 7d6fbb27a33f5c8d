// src/emulator/model.generated.ts must be what scripts/gen-emulator-model.ts makes of the model.
// Where the model is on disk (/work/shared/aws) the file is regenerated and compared; elsewhere
// (CI, users) the body hash in the header proves the file was not edited by hand.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MODEL_PATH, GENERATED_PATH, SERVED_OPERATIONS, renderModel } from '../../../scripts/gen-emulator-model.ts';
import { operations, shapes } from '../../../src/emulator/model.generated.ts';

const generated = readFileSync(GENERATED_PATH, 'utf8');
const modelPresent = existsSync(DEFAULT_MODEL_PATH);

describe('model.generated.ts', () => {
  it('has an intact header: the body hash matches the body', () => {
    const bodyHash = /^\/\/ body-sha256: ([0-9a-f]{64})$/m.exec(generated)?.[1];
    const sourceHash = /^\/\/ source-sha256: ([0-9a-f]{64})$/m.exec(generated)?.[1];
    expect(sourceHash).toBeDefined();
    const body = generated.slice(generated.indexOf('\n\n') + 2).replace(/\n$/, '');
    expect(createHash('sha256').update(body).digest('hex')).toBe(bodyHash);
  });

  it(
    modelPresent
      ? `equals a fresh generation from ${DEFAULT_MODEL_PATH}`
      : `matches the source hash in its header (${DEFAULT_MODEL_PATH} absent on this machine, so it cannot be regenerated here)`,
    () => {
      if (modelPresent) {
        expect(renderModel(readFileSync(DEFAULT_MODEL_PATH, 'utf8'))).toBe(generated);
      } else {
        expect(generated).toMatch(/^\/\/ source-sha256: [0-9a-f]{64}$/m);
      }
    },
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

  it('keeps the routes and constraints API-FACTS cites', () => {
    expect(operations.PutIntegration).toMatchObject({ method: 'PUT', uri: '/domains/{DomainName}/integrations' });
    expect(operations.GetIntegration).toMatchObject({ method: 'POST', uri: '/domains/{DomainName}/integrations' });
    expect(operations.ListIntegrations).toMatchObject({ method: 'GET', uri: '/domains/{DomainName}/integrations' });
    expect(operations.DeleteIntegration).toMatchObject({ method: 'POST', uri: '/domains/{DomainName}/integrations/delete' });
    expect(shapes.TagKey).toEqual({ type: 'string', min: 1, max: 128, pattern: '^(?!aws:)[a-zA-Z+-=._:/]+$' });
    expect(shapes.Scope).toEqual({ type: 'string', enum: ['PROFILE', 'DOMAIN'] });
  });
});
