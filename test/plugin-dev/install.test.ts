import { describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tar from 'tar';
import { readSwc } from '../../host/io/swc.js';
import { installPlugin, uninstallPlugin } from '../../host/plugin-dev/install.js';
import { createScaffold } from '../../host/plugin-dev/scaffold.js';
import { straightTube } from '../../host/plugin-dev/synthetic-images.js';
import { manifest, tempDir, writePlugin } from '../helpers/plugin-fixtures.js';
import { homeState, ntCli, tempHome, writeCase, writeTarGz } from './helpers.js';

const envFor = (home: string) => ({ NEUROTRACE_HOME: home });

/** A TypeScript scaffold in a fresh folder. */
function tsPlugin(id: string): string {
  return createScaffold({ id, lang: 'ts', dir: join(tempDir('nt-src-'), id) }).dir;
}

/** A small valid JS plugin whose manifest tests can spoil. */
function jsPlugin(over: Record<string, unknown> = {}, id = 'demo-js'): string {
  const root = tempDir('nt-src-');
  const m = manifest({ id, variants: [{ id, params: {} }], ...over });
  writePlugin(root, id, m, { 'index.js': 'export function createTracer() { return { async trace() { return { tree: { nodes: [], comments: [] } }; } }; }\n' });
  return join(root, id);
}

async function refused(source: string, home: string, message: RegExp): Promise<void> {
  const before = homeState(home);
  await expect(installPlugin(source, { env: envFor(home) })).rejects.toThrow(message);
  // Nothing half-installed: the plugin folder is as before and the staging area is empty.
  expect(homeState(home)).toEqual({ plugins: before.plugins, staging: [] });
}

describe('plugins install / uninstall (CLI)', () => {
  it('installs a TypeScript plugin from a folder (compiled), lists it, runs it, uninstalls it', async () => {
    const home = tempHome();
    const src = tsPlugin('demo-ts');
    const inst = ntCli(['plugins', 'install', src], home);
    expect(inst.stderr).toContain('compiled 3 TypeScript files');
    expect(inst.stdout).toContain(`installed demo-ts@0.1.0 in ${join(home, 'plugins', 'demo-ts')}`);
    expect(inst.code).toBe(0);
    expect(homeState(home)).toEqual({ plugins: ['demo-ts'], staging: [] });
    expect(existsSync(join(home, 'plugins', 'demo-ts', 'index.js'))).toBe(true);
    expect(existsSync(join(src, 'index.js'))).toBe(false); // the source folder is left alone

    const list = JSON.parse(ntCli(['plugins', 'list', '--user', '--json'], home).stdout);
    expect(list.plugins.map((p: { id: string; source: string }) => [p.id, p.source])).toEqual([['demo-ts', 'user']]);

    const dir = tempDir();
    const image = await writeCase(straightTube(), join(dir, 'tube.tif'));
    const run = ntCli(['run', 'demo-ts', image, '-o', join(dir, 'out.swc'), '--quiet'], home);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const tree = await readSwc(join(dir, 'out.swc'));
    expect(tree.nodes.length).toBeGreaterThan(40);
    expect(tree.comments).toContain('plugin demo-ts@0.1.0');

    const un = ntCli(['plugins', 'uninstall', 'demo-ts'], home);
    expect(un.stdout).toContain('uninstalled demo-ts');
    expect(un.code).toBe(0);
    expect(homeState(home).plugins).toEqual([]);
    expect(ntCli(['plugins', 'list', '--user'], home).stdout).toContain('0 variants from 0 plugins');
  }, 60_000);

  it('refuses to uninstall built-in plugins and unknown ids', () => {
    const home = tempHome();
    const builtin = ntCli(['plugins', 'uninstall', 'app2new1'], home);
    expect(builtin.code).toBe(1);
    expect(builtin.stderr).toMatch(/^neurotrace: 'app2' is a built-in plugin \(.*plugins\/app2\/plugin\.json\); only plugins installed in .* can be uninstalled\n$/);
    const none = ntCli(['plugins', 'uninstall', 'nothing-here'], home);
    expect(none.stderr).toBe(`neurotrace: no plugin 'nothing-here' is installed in ${join(home, 'plugins')} (see 'neurotrace plugins list --user')\n`);
  });
});

describe('plugins install sources', () => {
  it('installs from a .tgz whose files sit in one top folder', async () => {
    const home = tempHome();
    const src = tsPlugin('demo-tgz');
    const tgz = join(tempDir(), 'demo.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: join(src, '..') }, ['demo-tgz']);
    const res = await installPlugin(tgz, { env: envFor(home) });
    expect(res).toMatchObject({ id: 'demo-tgz', variants: ['demo-tgz'], replaced: false });
    expect(existsSync(join(home, 'plugins', 'demo-tgz', 'plugin.json'))).toBe(true);
    expect(existsSync(join(home, 'plugins', 'demo-tgz', 'index.js'))).toBe(true);
    expect(homeState(home).staging).toEqual([]);
  });

  it('installs from a flat .tgz (plugin.json at the top)', async () => {
    const home = tempHome();
    const src = jsPlugin({}, 'demo-flat');
    const tgz = join(tempDir(), 'flat.tgz');
    await tar.c({ gzip: true, file: tgz, cwd: src }, ['plugin.json', 'index.js']);
    expect((await installPlugin(tgz, { env: envFor(home) })).id).toBe('demo-flat');
  });

  it('installs an npm package through npm pack (here a local file: spec)', async () => {
    const home = tempHome();
    const src = tsPlugin('demo-npm');
    const res = await installPlugin(`file:${src}`, { env: envFor(home) });
    expect(res.id).toBe('demo-npm');
    expect(existsSync(join(home, 'plugins', 'demo-npm', 'index.js'))).toBe(true);
    await expect(installPlugin('file:/no/such/folder', { env: envFor(home) })).rejects.toThrow(/^cannot fetch npm package 'file:\/no\/such\/folder': /);
  }, 60_000);

  it('replaces an installed plugin only with --force', async () => {
    const home = tempHome();
    const src = jsPlugin();
    await installPlugin(src, { env: envFor(home) });
    await refused(src, home, /plugin 'demo-js' is already installed \(.*\); uninstall it first or use --force/);
    const m = JSON.parse(readFileSync(join(src, 'plugin.json'), 'utf8'));
    m.version = '1.1.0';
    writeFileSync(join(src, 'plugin.json'), JSON.stringify(m));
    const res = await installPlugin(src, { env: envFor(home), force: true });
    expect(res).toMatchObject({ version: '1.1.0', replaced: true });
    expect(JSON.parse(readFileSync(join(home, 'plugins', 'demo-js', 'plugin.json'), 'utf8')).version).toBe('1.1.0');
    expect(homeState(home)).toEqual({ plugins: ['demo-js'], staging: [] });
    await uninstallPlugin('demo-js', { env: envFor(home) });
  });
});

describe('plugins install refusals (nothing left half-installed)', () => {
  it('refuses a manifest that fails the schema, naming the file and the JSON path', async () => {
    const home = tempHome();
    const src = jsPlugin({ citation: undefined });
    await refused(src, home, new RegExp(`^${src}: plugin\\.json: \\$\\.citation: is required$`));
    const bad = jsPlugin({ runtime: { kind: 'python', entry: 'x.py' } });
    await refused(bad, home, /plugin\.json: \$\.runtime\.kind: must be one of typescript, native, command, host$/);
  });

  it('refuses an engines range that excludes this host', async () => {
    const home = tempHome();
    await refused(jsPlugin({ engines: { neurotrace: '^9.0.0' } }), home, /plugin\.json: \$\.engines\.neurotrace: requires neurotrace \^9\.0\.0, this host is 0\.1\.0$/);
  });

  it('refuses a variant id that already exists', async () => {
    const home = tempHome();
    await refused(jsPlugin({ id: 'my-app2', variants: [{ id: 'app2new1', params: {} }] }, 'my-app2'), home,
      /variant id 'app2new1' is already provided by .*plugins\/app2\/plugin\.json$/);
    await refused(jsPlugin({ id: 'app2' }, 'app2'), home, /plugin id 'app2' is already provided by .*plugins\/app2\/plugin\.json$/);
  });

  it('refuses archives with absolute paths, .. components, outside links or device files', async () => {
    const home = tempHome();
    const dir = tempDir();
    const good = [{ name: 'pkg/plugin.json', body: JSON.stringify(manifest({ id: 'evil', variants: [{ id: 'evil', params: {} }] })) }, { name: 'pkg/index.js', body: '' }];
    const outside = join(dir, 'escaped.txt');
    const cases: [string, Parameters<typeof writeTarGz>[1], RegExp][] = [
      ['abs', [...good, { name: outside, body: 'x' }], /refusing the archive: entry '.*escaped\.txt' has an absolute path$/],
      ['dotdot', [...good, { name: 'pkg/../../escaped.txt', body: 'x' }], /entry 'pkg\/\.\.\/\.\.\/escaped\.txt' has a '\.\.' component$/],
      ['symlink', [...good, { name: 'pkg/data', type: 'symlink', link: '../../../etc' }], /link 'pkg\/data' points outside the plugin folder \('\.\.\/\.\.\/\.\.\/etc'\)$/],
      // Inside the archive but outside the top folder that extraction strips.
      ['sibling-symlink', [...good, { name: 'pkg/up', type: 'symlink', link: '../other' }], /link 'pkg\/up' points outside the plugin folder \('\.\.\/other'\)$/],
      ['abs-symlink', [...good, { name: 'pkg/passwd', type: 'symlink', link: '/etc/passwd' }], /link 'pkg\/passwd' points to the absolute path '\/etc\/passwd'$/],
      ['hardlink', [...good, { name: 'pkg/hl', type: 'hardlink', link: '/etc/passwd' }], /hard link 'pkg\/hl' points outside the plugin folder \('\/etc\/passwd'\)$/],
      ['device', [...good, { name: 'pkg/tty', type: 'chardev' }], /entry 'pkg\/tty' is a CharacterDevice, not a file, folder or link$/],
    ];
    for (const [name, entries, message] of cases) {
      const tgz = writeTarGz(join(dir, `${name}.tgz`), entries);
      await refused(tgz, home, message);
      expect(existsSync(outside)).toBe(false);
      expect(existsSync(join(home, 'escaped.txt'))).toBe(false);
    }
    // The same archive without the bad entry installs, with an inside link kept as a link.
    const ok = writeTarGz(join(dir, 'ok.tgz'), [...good, { name: 'pkg/lib', type: 'dir' }, { name: 'pkg/lib/a.js', body: '' }, { name: 'pkg/alias.js', type: 'symlink', link: 'lib/a.js' }]);
    expect((await installPlugin(ok, { env: envFor(home) })).id).toBe('evil');
    expect(existsSync(join(home, 'plugins', 'evil', 'alias.js'))).toBe(true);
  });

  it('refuses a folder with a link pointing outside it', async () => {
    const home = tempHome();
    const src = jsPlugin();
    symlinkSync('/etc/hostname', join(src, 'host.txt'));
    await refused(src, home, new RegExp(`^refusing to install ${src}: ${src}/host\\.txt: link points outside the plugin folder \\(-> /etc/hostname\\)$`));
  });

  it('refuses a folder without plugin.json, and a missing source', async () => {
    const home = tempHome();
    const empty = tempDir();
    mkdirSync(join(empty, 'src'));
    await refused(empty, home, /: no plugin\.json at the top level/);
    await refused('/no/such/plugin', home, /^\/no\/such\/plugin: no such file or folder$/);
  });

  it('reports TypeScript syntax errors with file and line, and installs nothing', async () => {
    const home = tempHome();
    const src = tsPlugin('demo-broken');
    writeFileSync(join(src, 'skeleton.ts'), readFileSync(join(src, 'skeleton.ts'), 'utf8').replace('const n = nx * ny * nz;', 'const n = nx * * ny;'));
    await refused(src, home, new RegExp(`^${src}/skeleton\\.ts:\\d+:\\d+: error TS1109: Expression expected\\.$`));
  });
});
