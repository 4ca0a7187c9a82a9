/**
 * Labelling: class histograms from images + masks, exact best thresholds, the record format,
 * reading and writing record files, augmentation, splits and synthetic data.
 */
export * from './objectives.js';
export * from './schema.js';
export * from './class-histograms.js';
export * from './label.js';
export * from './pairs.js';
export * from './records-io.js';
export * from './tiles.js';
export * from './photometric.js';
export * from './pixel-variants.js';
export * from './augment.js';
export * from './label-run.js';
export * from './resume.js';
export * from './label-folder.js';
export * from './stats.js';
export * from './split.js';
export * from './synth.js';
