/**
 * Loader of the committed metric references (test/fixtures/metrics/*.json), written by
 * scripts/fixtures/make-metric-fixtures.py from crops of shared document images.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface MetricReference {
  tp: number;
  fp: number;
  fn: number;
  tn: number;
  precision: number;
  recall: number;
  fmeasure: number;
  accuracy: number;
  iou: number;
  mcc: number;
  psnr: number | null;
  drd: number | null;
}

export interface MetricCase {
  name: string;
  polarity: 'dark' | 'bright';
  threshold?: number;
  /** Predicted foreground (unpacked, 1 = foreground) for non-threshold cases. */
  mask?: Uint8Array;
  metrics: MetricReference;
}

export interface MetricFixture {
  name: string;
  source: string;
  width: number;
  height: number;
  gray: Uint8Array;
  truth: Uint8Array;
  nubn: number;
  cases: MetricCase[];
}

const DIRECTORY = fileURLToPath(new URL('../fixtures/metrics/', import.meta.url));

/** numpy.packbits layout: 8 pixels per byte, most significant bit first. */
export function unpackBits(base64: string, length: number): Uint8Array {
  const bytes = Buffer.from(base64, 'base64');
  const bits = new Uint8Array(length);
  for (let i = 0; i < length; i++) bits[i] = (bytes[i >> 3] >> (7 - (i & 7))) & 1;
  return bits;
}

export function loadMetricFixtures(): MetricFixture[] {
  return readdirSync(DIRECTORY)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => {
      const raw = JSON.parse(readFileSync(join(DIRECTORY, file), 'utf8'));
      const { width, height } = raw.crop;
      const length = width * height;
      return {
        name: file.replace(/\.json$/, ''),
        source: raw.source,
        width,
        height,
        gray: new Uint8Array(Buffer.from(raw.gray, 'base64')),
        truth: unpackBits(raw.truth, length),
        nubn: raw.nubn,
        cases: raw.cases.map((item: Record<string, unknown>) => ({
          name: item.name,
          polarity: item.polarity,
          threshold: item.threshold,
          mask: typeof item.mask === 'string' ? unpackBits(item.mask, length) : undefined,
          metrics: item.metrics,
        })),
      };
    });
}

/** Predicted foreground of global threshold t: gray ≤ t (dark) or gray > t (bright). */
export function thresholdMask(
  gray: Uint8Array, threshold: number, polarity: 'dark' | 'bright',
): Uint8Array {
  const mask = new Uint8Array(gray.length);
  for (let i = 0; i < gray.length; i++) {
    const atOrBelow = gray[i] <= threshold;
    mask[i] = (polarity === 'dark' ? atOrBelow : !atOrBelow) ? 1 : 0;
  }
  return mask;
}

/** Class histograms of the gray values under `truth`. */
export function classHistograms(
  gray: Uint8Array, truth: Uint8Array,
): { foreground: Float64Array; background: Float64Array } {
  const foreground = new Float64Array(256);
  const background = new Float64Array(256);
  for (let i = 0; i < gray.length; i++) {
    if (truth[i] === 1) foreground[gray[i]]++;
    else background[gray[i]]++;
  }
  return { foreground, background };
}
