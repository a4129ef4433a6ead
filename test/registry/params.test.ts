import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '../../host/registry/registry.js';
import { coerceParam, describeAllowed, resolveParams } from '../../host/registry/params.js';
import { manifest, tempDir, writePlugin } from '../helpers/plugin-fixtures.js';

function demo() {
  const root = tempDir();
  writePlugin(root, 'demo', manifest());
  return new PluginRegistry('0.1.0', [{ dir: root, source: 'path' }]);
}

describe('parameter resolution', () => {
  it('applies schema defaults, then the variant preset, then overrides', () => {
    const reg = demo();
    expect(resolveParams(reg.getVariant('demo'))).toEqual({ threshold: 10, length: 5, gap: false });
    expect(resolveParams(reg.getVariant('demo-auto'))).toEqual({ threshold: 'AUTO', length: 5, gap: true });
    expect(resolveParams(reg.getVariant('demo-auto'), { threshold: 30, length: 2 })).toEqual({ threshold: 30, length: 2, gap: true });
  });

  it('does not let one run mutate the preset of the next', () => {
    const reg = demo();
    const ref = reg.getVariant('demo-auto');
    resolveParams(ref, { length: 9 });
    expect(ref.preset.params).toEqual({ threshold: 'AUTO', gap: true });
  });

  it('rejects unknown names listing the known ones', () => {
    expect(() => resolveParams(demo().getVariant('demo'), { lenght: 3 }))
      .toThrow("unknown parameter 'lenght' for demo; known: threshold, length, gap");
  });

  it('rejects out-of-range values naming the parameter and what it accepts', () => {
    const ref = demo().getVariant('demo');
    expect(() => resolveParams(ref, { length: -1 })).toThrow("parameter 'length' for demo must be a number >= 0 (got -1)");
    expect(() => resolveParams(ref, { threshold: 300 })).toThrow(`parameter 'threshold' for demo must be a number from 0 to 255, or "AUTO" (got 300)`);
    expect(() => resolveParams(ref, { gap: 'sometimes' })).toThrow("parameter 'gap' for demo must be true or false (got \"sometimes\")");
  });

  it('coerces command-line strings by the schema', () => {
    const ref = demo().getVariant('demo');
    expect(coerceParam(ref, 'threshold', '12')).toBe(12);
    expect(coerceParam(ref, 'threshold', 'AUTO')).toBe('AUTO');
    expect(coerceParam(ref, 'gap', 'true')).toBe(true);
    expect(coerceParam(ref, 'gap', '0')).toBe(false);
    expect(coerceParam(ref, 'length', '2.5')).toBe(2.5);
  });

  it('describes allowed values', () => {
    expect(describeAllowed({ type: 'integer', enum: undefined, minimum: 1, maximum: 3 })).toBe('an integer from 1 to 3');
    expect(describeAllowed({ enum: [1, 2, 3] })).toBe('one of 1, 2, 3');
  });
});
