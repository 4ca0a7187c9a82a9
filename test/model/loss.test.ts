import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { BIN_COUNT } from '../../src/histogram/histogram.js';
import {
  OBJECTIVE_NAMES, scoreAllThresholds, type Objective, type Polarity,
} from '../../src/label/objectives.js';
import type { LabelRecord } from '../../src/label/schema.js';
import { loadTensorflow } from '../../src/model/backend.js';
import { softScore, totalLoss, type LossTargets } from '../../src/model/loss.js';
import { realSample } from './helpers.js';

beforeAll(async () => {
  await loadTensorflow('cpu');
});

/** Targets of records as tensors (class histograms as fractions of the pixels). */
function targetsOf(records: LabelRecord[], objective: Objective = 'fmeasure'): LossTargets {
  const fractions = (pick: (record: LabelRecord) => number[]) =>
    tf.tensor2d(records.map((record) => {
      const total = record.histogram.reduce((sum, count) => sum + count, 0);
      return pick(record).map((count) => count / total);
    }));
  const column = (pick: (record: LabelRecord) => number) => tf.tensor1d(records.map(pick));
  return {
    baseThreshold: column(() => 0),
    foreground: fractions((record) => record.foregroundHistogram!),
    background: fractions((record) => record.backgroundHistogram!),
    hasClasses: column(() => 1),
    dark: column((record) => (record.polarity === 'dark' ? 1 : 0)),
    bestThreshold: column((record) => record.bestThreshold),
    bestScore: column((record) => record.bestScore ?? 0),
    hasScore: column(() => 1),
    objective: tf.oneHot(records.map(() => OBJECTIVE_NAMES.indexOf(objective)),
      OBJECTIVE_NAMES.length).toFloat() as tf.Tensor2D,
    weight: column(() => 1),
  };
}

describe('soft score', () => {
  it('when τ → 0 then it equals the exact integer-threshold score of real records', async () => {
    const records = await realSample(2);
    for (const objective of OBJECTIVE_NAMES) {
      const targets = targetsOf(records, objective);
      for (const threshold of [0, 37, 100, 128, 181, 254]) {
        // A continuous t a little off the integer: bins ≤ round(t) are "at or below".
        const continuous = tf.tensor1d(
          records.map((_, index) => threshold + (index % 2 ? 0.3 : -0.3)),
        );
        const soft = softScore(continuous, targets, 1e-3).arraySync();
        records.forEach((record, index) => {
          const classes = {
            foreground: record.foregroundHistogram!, background: record.backgroundHistogram!,
          };
          const polarity = record.polarity as Polarity;
          const exact = scoreAllThresholds(classes, polarity, objective)[threshold];
          expect(Math.abs(soft[index] - exact), `${objective} ${record.id} t=${threshold}`)
            .toBeLessThan(1e-3);
        });
      }
    }
  });

  it('when τ is large then the score is smoothed (differs from the exact one)', async () => {
    const [record] = await realSample(1);
    const targets = targetsOf([record]);
    const threshold = tf.tensor1d([record.bestThreshold]);
    const sharp = softScore(threshold, targets, 1e-3).arraySync()[0];
    const smooth = softScore(threshold, targets, 20).arraySync()[0];
    expect(Math.abs(sharp - (record.bestScore ?? 0))).toBeLessThan(1e-3);
    expect(Math.abs(sharp - smooth)).toBeGreaterThan(1e-3);
  });
});

describe('total loss gradient', () => {
  it('when differentiated by tf.grad then it matches central finite differences', async () => {
    const records = (await realSample(1)).slice(0, 6);
    const targets = targetsOf(records);
    const options = {
      loss: 'soft-score' as const,
      weights: { threshold: 1, polarity: 0.3, quality: 0.3 },
      temperature: 3,
      hasBase: false,
    };
    const heads = tf.tensor2d(records.map((record, index) =>
      [(record.bestThreshold - 127.5) / 127.5 + 0.05 * index, 0.2 * index - 0.5, 0.1 * index]));
    const lossOf = (values: tf.Tensor2D) => totalLoss(values, targets, options);
    const gradient = tf.grad((values) => lossOf(values as tf.Tensor2D));
    const analytic = gradient(heads).arraySync() as number[][];
    const base = heads.arraySync();
    const step = 1e-3;
    for (let row = 0; row < records.length; row++) {
      for (let column = 0; column < 3; column++) {
        const shifted = (delta: number) => {
          const copy = base.map((values) => [...values]);
          copy[row][column] += delta;
          return lossOf(tf.tensor2d(copy)).arraySync() as number;
        };
        const numeric = (shifted(step) - shifted(-step)) / (2 * step);
        expect(Math.abs(analytic[row][column] - numeric), `row ${row} head ${column}`)
          .toBeLessThan(2e-3 + 0.02 * Math.abs(numeric));
      }
    }
    // The threshold head must actually receive gradient (not a flat loss).
    expect(analytic.some((values) => Math.abs(values[0]) > 1e-4)).toBe(true);
  });

  it('when the threshold is a manual label then the Huber term pulls towards it', () => {
    const targets: LossTargets = {
      baseThreshold: tf.tensor1d([100]),
      foreground: tf.zeros([1, BIN_COUNT]),
      background: tf.zeros([1, BIN_COUNT]),
      hasClasses: tf.tensor1d([0]),
      dark: tf.tensor1d([1]),
      bestThreshold: tf.tensor1d([120]),
      bestScore: tf.tensor1d([0]),
      hasScore: tf.tensor1d([0]),
      objective: tf.tensor2d([[1, 0, 0, 0, 0]]),
      weight: tf.tensor1d([1]),
    };
    const options = {
      loss: 'soft-score' as const, weights: { threshold: 1, polarity: 0, quality: 0 },
      temperature: 1, hasBase: true,
    };
    // t = 100 + 32·h: below the label the gradient is negative (raise t), above positive.
    const gradient = (head: number) =>
      (tf.grad((values) => totalLoss(values as tf.Tensor2D, targets, options))(
        tf.tensor2d([[head, 0, 0]])).arraySync() as number[][])[0][0];
    expect(gradient(0)).toBeLessThan(0);
    expect(gradient(1)).toBeGreaterThan(0);
    // Huber: quadratic within 8 bins of the label, linear beyond (|dL/dt| = 1/8 per bin).
    expect(Math.abs(gradient(0))).toBeCloseTo(32 / 8, 4);
  });
});
