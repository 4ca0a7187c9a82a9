/**
 * The exact training recipes of the shipped model and of fine-tuning, in one place: the
 * `train:default` script, `autothresh train --init`, and the evaluation script read them.
 */
import { fileURLToPath } from 'node:url';
import { DEFAULT_TRAIN_CONFIG, type TrainConfig } from './train.js';

/** Recipe of `models/default` (fixed epochs: no records are held back for early stopping). */
export const DEFAULT_MODEL_CONFIG: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  seed: 1,
  epochs: 20,
  patience: 0,
};

/** Recipe for fine-tuning a trained model on a few images of one kind. */
export const FINE_TUNE_CONFIG: TrainConfig = {
  ...DEFAULT_TRAIN_CONFIG,
  epochs: 30,
  batchSize: 32,
  learningRate: 3e-4,
  temperature: { start: 1, end: 0.5 },
  patience: 0,
};

/** Training files of the shipped model, relative to the package root, in this order. */
export const DEFAULT_TRAINING_FILES = [
  'datasets/real.jsonl',
  'datasets/augmented.jsonl.gz',
  'datasets/synthetic.jsonl',
];

export function defaultTrainingFiles(): string[] {
  return DEFAULT_TRAINING_FILES.map((file) =>
    fileURLToPath(new URL(`../../${file}`, import.meta.url)));
}
