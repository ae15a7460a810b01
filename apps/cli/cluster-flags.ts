/**
 * The security flags of every command that talks to a cluster (`worker`, and
 * `run`, `recommend train`, `status` with `--cluster`): the cluster's token
 * file and TLS material, declared once, and read into the ClusterSecurity
 * that core/cluster takes.
 */
import type { Command } from 'commander';
import { readSecurityFiles, type ClusterSecurity } from '../../core/cluster/security.js';

export interface ClusterSecurityFlags {
  tokenFile?: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsCa?: string;
}

export function addClusterSecurityOptions(cmd: Command): Command {
  return cmd
    .option('--token-file <file>', "the cluster's shared secret (default: $GASWORKS_TOKEN_FILE); every call and data connection proves it holds it (make one: gasworks token --out FILE)")
    .option('--tls-cert <file>', 'TLS: this side\'s certificate (PEM), on the control and data channels')
    .option('--tls-key <file>', 'TLS: its private key (PEM)')
    .option('--tls-ca <file>', 'TLS: the CA that signed the other side\'s certificates (PEM): mutual TLS');
}

/** The security settings the flags name; `who` is the command, for errors. */
export function clusterSecurityFrom(who: string, flags: ClusterSecurityFlags): ClusterSecurity {
  return readSecurityFiles(who, { tokenFile: flags.tokenFile, tlsCert: flags.tlsCert, tlsKey: flags.tlsKey, tlsCa: flags.tlsCa });
}
