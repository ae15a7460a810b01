/**
 * The graph-building flags every command that reads a graph accepts
 * (`--format`, `--undirected`, `--drop-self-loops`, `--drop-duplicates`, `--ids`), declared once.
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.js';
import type { GraphSourceOptions } from './graph-source.js';

export interface GraphFlags {
  format?: string;
  undirected?: boolean;
  dropSelfLoops?: boolean;
  dropDuplicates?: boolean;
  ids?: string;
  quiet?: boolean;
}

export function addGraphOptions(cmd: Command): Command {
  return cmd
    .option('--format <format>', 'input format: auto, snap, weighted, mtx, movielens, signed, bin', 'auto')
    .option('--undirected', 'store every edge in both directions')
    .option('--drop-self-loops', 'drop edges v -> v')
    .option('--drop-duplicates', 'keep one of repeated (source, target) pairs')
    .option('--ids <mode>', "edge lists: 'dense' numbers the ids found 0..n-1; 'identity' keeps each id as its vertex id (0..max id, isolated ids kept)", 'dense');
}

export function graphOptionsFrom(flags: GraphFlags): GraphSourceOptions {
  if (flags.ids !== undefined && flags.ids !== 'dense' && flags.ids !== 'identity') {
    throw new UsageError(`--ids must be 'dense' or 'identity'; got ${JSON.stringify(flags.ids)}`);
  }
  return {
    format: flags.format,
    undirected: flags.undirected,
    selfLoops: flags.dropSelfLoops ? 'drop' : undefined,
    duplicates: flags.dropDuplicates ? 'drop' : undefined,
    ids: flags.ids,
    quiet: flags.quiet,
  };
}
