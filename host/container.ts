import 'reflect-metadata';
import { container as rootContainer, type DependencyContainer } from 'tsyringe';
import { hostVersion } from './core/paths.js';
import { StderrLogger, type Logger } from './core/logger.js';
import { PluginRegistry } from './registry/registry.js';
import { pluginRoots, type PluginRoot } from './registry/plugin-paths.js';
import { readImage } from './io/read-image.js';
import { writeSwc } from './io/swc.js';
import { createProgress, type ProgressReporter } from './cli/progress.js';

/** Injection tokens: the one list of host services. */
export const Tokens = {
  Config: Symbol('Config'),
  Logger: Symbol('Logger'),
  Registry: Symbol('Registry'),
  ImageReader: Symbol('ImageReader'),
  SwcWriter: Symbol('SwcWriter'),
  Progress: Symbol('Progress'),
} as const;

export interface HostConfig {
  hostVersion: string;
  verbose: boolean;
  pluginRoots: PluginRoot[];
}

export type ImageReader = typeof readImage;
export type SwcWriter = typeof writeSwc;
export type ProgressFactory = (label: string) => ProgressReporter;

/**
 * Wires the host services. Classes stay DI-agnostic (plain constructors); this file is the only
 * place that knows how they fit together, and tests build a child container with overrides.
 */
export function createContainer(opts: { verbose?: boolean; env?: NodeJS.ProcessEnv } = {}): DependencyContainer {
  const c = rootContainer.createChildContainer();
  const config: HostConfig = { hostVersion: hostVersion(), verbose: !!opts.verbose, pluginRoots: pluginRoots(opts.env ?? process.env) };
  c.register(Tokens.Config, { useValue: config });
  c.register(Tokens.Logger, { useValue: new StderrLogger(config.verbose) });
  let registry: PluginRegistry | undefined;
  c.register(Tokens.Registry, { useFactory: () => (registry ??= new PluginRegistry(config.hostVersion, config.pluginRoots)) });
  c.register(Tokens.ImageReader, { useValue: readImage });
  c.register(Tokens.SwcWriter, { useValue: writeSwc });
  c.register(Tokens.Progress, { useValue: ((label: string) => createProgress(label)) satisfies ProgressFactory });
  return c;
}

export function resolveRegistry(c: DependencyContainer): PluginRegistry {
  return c.resolve<PluginRegistry>(Tokens.Registry);
}
