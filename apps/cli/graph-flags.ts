/**
 * The graph-building flags every command that reads a graph accepts
 * (`--format`, `--undirected`, `--drop-self-loops`, `--drop-duplicates`), declared once.
 */
import type { Command } from 'commander';
import type { GraphSourceOptions } from './graph-source.js';

export interface GraphFlags {
  format?: string;
  undirected?: boolean;
  dropSelfLoops?: boolean;
  dropDuplicates?: boolean;
  quiet?: boolean;
}

export function addGraphOptions(cmd: Command): Command {
  return cmd
    .option('--format <format>', 'input format: auto, snap, weighted, mtx, movielens, signed, bin', 'auto')
    .option('--undirected', 'store every edge in both directions')
    .option('--drop-self-loops', 'drop edges v -> v')
    .option('--drop-duplicates', 'keep one of repeated (source, target) pairs');
}

export function graphOptionsFrom(flags: GraphFlags): GraphSourceOptions {
  return {
    format: flags.format,
    undirected: flags.undirected,
    selfLoops: flags.dropSelfLoops ? 'drop' : undefined,
    duplicates: flags.dropDuplicates ? 'drop' : undefined,
    quiet: flags.quiet,
  };
}
