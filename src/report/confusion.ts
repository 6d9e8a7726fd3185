// A confusion matrix as an inline SVG table of shaded cells: rows are true classes, columns
// predicted ones, each cell its count.

import { esc } from './svg.js';

/** confusion[true][pred] as SVG, with class names on both axes. */
export function confusionSvg(m: readonly (readonly number[])[], names: readonly string[]): string {
  const n = m.length;
  const cell = n > 6 ? 36 : 48;
  const pad = 90;
  const max = Math.max(1, ...m.flat());
  const parts: string[] = [];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const v = m[i]![j]!;
      const shade = Math.round(255 - (200 * v) / max);
      parts.push(`<rect x="${pad + j * cell}" y="${pad + i * cell}" width="${cell}" height="${cell}" fill="rgb(${shade},${shade},255)" stroke="#fff"/>`);
      parts.push(`<text class="count" x="${pad + j * cell + cell / 2}" y="${pad + i * cell + cell / 2 + 5}" text-anchor="middle" font-size="${cell > 40 ? 14 : 11}">${v}</text>`);
    }
    parts.push(`<text x="${pad - 6}" y="${pad + i * cell + cell / 2 + 5}" text-anchor="end" font-size="12">${esc(names[i] ?? String(i))}</text>`);
    parts.push(`<text x="${pad + i * cell + cell / 2}" y="${pad - 8}" text-anchor="middle" font-size="12">${esc(names[i] ?? String(i))}</text>`);
  }
  parts.push(`<text x="${pad + (n * cell) / 2}" y="20" text-anchor="middle" font-size="12">predicted</text>`);
  parts.push(`<text x="14" y="${pad + (n * cell) / 2}" font-size="12" transform="rotate(-90 14 ${pad + (n * cell) / 2})" text-anchor="middle">true</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" class="confusion" width="${pad + n * cell + 10}" height="${pad + n * cell + 10}">${parts.join('')}</svg>`;
}
