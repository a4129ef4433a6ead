import { describe, expect, it } from 'vitest';
import { PluginRegistry } from '../../host/registry/registry.js';
import { manifest, tempDir, writePlugin } from '../helpers/plugin-fixtures.js';
import { packageRoot } from '../../host/core/paths.js';
import { join } from 'node:path';

function registryOf(root: string, version = '0.1.0') {
  return new PluginRegistry(version, [{ dir: root, source: 'path' }]);
}

describe('plugin registry', () => {
  it('lists plugins and variants from valid manifests', () => {
    const root = tempDir();
    writePlugin(root, 'demo', manifest());
    const reg = registryOf(root);
    expect(reg.problems).toEqual([]);
    expect(reg.listVariants().map((v) => v.id)).toEqual(['demo', 'demo-auto']);
    expect(reg.getVariant('demo-auto').plugin.manifest.id).toBe('demo');
    expect(reg.getVariant('DEMO-AUTO').id).toBe('demo-auto');
  });

  it('never imports plugin code while listing', () => {
    const root = tempDir();
    // The entry would throw on import; listing must not care.
    writePlugin(root, 'demo', manifest(), { 'index.js': 'throw new Error("imported!")' });
    expect(registryOf(root).listPlugins()).toHaveLength(1);
  });

  it('skips invalid JSON naming the file', () => {
    const root = tempDir();
    const f = writePlugin(root, 'broken', '{ "id": ');
    const reg = registryOf(root);
    expect(reg.listPlugins()).toEqual([]);
    expect(reg.problems).toHaveLength(1);
    expect(reg.problems[0].message).toContain(f);
    expect(reg.problems[0].message).toMatch(/not valid JSON/);
  });

  it('names the JSON path and reason of a schema violation', () => {
    const root = tempDir();
    const f = writePlugin(root, 'bad', manifest({ resources: { timeoutSec: -1, memoryMiB: 10 } }));
    const [p] = registryOf(root).problems;
    expect(p.file).toBe(f);
    expect(p.path).toBe('$.resources.timeoutSec');
    expect(p.message).toBe(`${f}: $.resources.timeoutSec: must be > 0`);
  });

  it('reports missing required fields and unknown properties with their paths', () => {
    const root = tempDir();
    const m = manifest({ colour: 'red' });
    writePlugin(root, 'extra', m);
    const m2 = manifest({ id: 'other' }); delete (m2 as Record<string, unknown>).citation;
    writePlugin(root, 'missing', m2);
    const probs = registryOf(root).problems.map((p) => `${p.path} ${p.reason}`).sort();
    expect(probs).toEqual(['$.citation is required', '$.colour is not an allowed property']);
  });

  it('rejects an unknown runtime kind clearly', () => {
    const root = tempDir();
    writePlugin(root, 'rt', manifest({ runtime: { kind: 'python', entry: 'x.py' } }));
    const [p] = registryOf(root).problems;
    expect(p.path).toBe('$.runtime.kind');
    expect(p.reason).toMatch(/typescript, native, command, host/);
  });

  it('skips a plugin whose engines range excludes this host', () => {
    const root = tempDir();
    writePlugin(root, 'future', manifest({ engines: { neurotrace: '>=2.0.0' } }));
    const [p] = registryOf(root, '0.1.0').problems;
    expect(p.path).toBe('$.engines.neurotrace');
    expect(p.reason).toBe('requires neurotrace >=2.0.0, this host is 0.1.0');
  });

  it('rejects an invalid semver range', () => {
    const root = tempDir();
    writePlugin(root, 'r', manifest({ engines: { neurotrace: 'banana' } }));
    expect(registryOf(root).problems[0].reason).toMatch(/not a semver range/);
  });

  it('checks variant presets against the parameter schema', () => {
    const root = tempDir();
    writePlugin(root, 'preset', manifest({ variants: [{ id: 'x', params: { length: -3 } }] }));
    const [p] = registryOf(root).problems;
    expect(p.path).toBe('$.variants[0].params.length');
    expect(p.reason).toMatch(/>= 0/);
  });

  it('makes a clash of variant ids an error that names both files', () => {
    const root = tempDir();
    const a = writePlugin(root, 'a', manifest({ id: 'a', variants: [{ id: 'shared', params: {} }] }));
    const b = writePlugin(root, 'b', manifest({ id: 'b', variants: [{ id: 'shared', params: {} }] }));
    const reg = registryOf(root);
    expect(reg.getVariant('shared').plugin.manifestPath).toBe(a);
    expect(reg.problems).toHaveLength(1);
    expect(reg.problems[0].message).toContain(a);
    expect(reg.problems[0].message).toContain(b);
  });

  it('rejects two plugins with the same id', () => {
    const root = tempDir();
    writePlugin(root, 'a', manifest());
    const b = writePlugin(root, 'b', manifest({ variants: [{ id: 'other', params: {} }] }));
    const [p] = registryOf(root).problems;
    expect(p.file).toBe(b);
    expect(p.reason).toMatch(/plugin id 'demo' is already provided/);
  });

  it('suggests near names for unknown variants', () => {
    const root = tempDir();
    writePlugin(root, 'demo', manifest());
    expect(() => registryOf(root).getVariant('demo-aut')).toThrow(/did you mean 'demo-auto'/);
  });

  it('accepts a root that is itself a plugin folder', () => {
    const root = tempDir();
    writePlugin(root, 'solo', manifest());
    const reg = new PluginRegistry('0.1.0', [{ dir: join(root, 'solo'), source: 'path' }]);
    expect(reg.listPlugins()).toHaveLength(1);
  });

  it('finds every built-in manifest valid', () => {
    const reg = new PluginRegistry('0.1.0', [{ dir: join(packageRoot(), 'plugins'), source: 'builtin' }]);
    expect(reg.problems).toEqual([]);
  });
});
