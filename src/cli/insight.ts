// `dendrite insight <part>`: look inside trained networks — attribution, filters and
// topographic maps, representational similarity, and in-silico electrophysiology (the V1 test).
// Each part is one file; this one dispatches.

import { ArgumentError } from '../errors.js';
import { insightAttributionCli, INSIGHT_ATTRIBUTION_HELP } from './insight_attribution.js';
import { insightFiltersCli, INSIGHT_FILTERS_HELP } from './insight_filters.js';
import { insightRsaCli, INSIGHT_RSA_HELP } from './insight_rsa.js';
import { insightV1Cli, INSIGHT_V1_HELP } from './insight_v1.js';

const PARTS: Record<string, { run: (argv: string[]) => unknown; help: string; what: string }> = {
  attribution: { run: (a) => insightAttributionCli(a), help: INSIGHT_ATTRIBUTION_HELP, what: 'saliency, integrated gradients, SmoothGrad, occlusion, Grad-CAM, amplitude perturbation' },
  filters: { run: (a) => insightFiltersCli(a), help: INSIGHT_FILTERS_HELP, what: 'conv filters and feature maps, spatial filters and CSP patterns as topographic maps' },
  rsa: { run: (a) => insightRsaCli(a), help: INSIGHT_RSA_HELP, what: 'representational similarity: RDMs, model-brain comparison, noise ceilings' },
  v1: { run: (a) => insightV1Cli(a), help: INSIGHT_V1_HELP, what: 'gratings, F1/F0 of conv and pooled units against macaque V1 (Ringach 2002)' },
};

export const INSIGHT_HELP = `usage: dendrite insight <part> [options]   (dendrite insight <part> --help for its options)

parts:
${Object.entries(PARTS).map(([k, p]) => `  ${k.padEnd(12)} ${p.what}`).join('\n')}
`;

export function insightCli(argv: string[]): number {
  const [part, ...rest] = argv;
  if (part === undefined || part === '--help' || part === '-h') {
    process.stdout.write(INSIGHT_HELP);
    return part === undefined ? 2 : 0;
  }
  const p = PARTS[part];
  if (p === undefined) throw new ArgumentError(`insight: unknown part '${part}' (available: ${Object.keys(PARTS).join(', ')})`);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(p.help);
    return 0;
  }
  p.run(rest);
  return 0;
}
