/**
 * The action of `autothresh train`, loaded on demand (it pulls in TensorFlow.js).
 */
import type * as TF from '@tensorflow/tfjs';
import { AutothreshError, isAutothreshError } from '../../errors.js';
import { BACKEND_NAMES, loadTensorflow, type BackendName } from '../../model/backend.js';
import { FINE_TUNE_CONFIG } from '../../model/recipes.js';
import { DEFAULT_TRAIN_CONFIG, type EpochLog, type TrainConfig } from '../../model/train.js';
import { trainAndSave } from '../../model/workflow.js';
import type { CliContext } from '../io.js';
import type { TrainOptions } from './train.js';
import { counted } from '../../util/counts.js';
import { packageVersion } from '../../util/package-info.js';

/** The training configuration from the defaults (or the fine-tuning recipe) and the options. */
export function configFromOptions(
  options: Partial<TrainOptions>,
  fineTuning: boolean,
): TrainConfig {
  const base = fineTuning ? FINE_TUNE_CONFIG : DEFAULT_TRAIN_CONFIG;
  return {
    ...base,
    seed: options.seed ?? base.seed,
    epochs: options.epochs ?? base.epochs,
    batchSize: options.batchSize ?? base.batchSize,
    learningRate: options.lr ?? base.learningRate,
    hidden: options.hidden ?? base.hidden,
    normalization: options.norm ?? base.normalization,
    dropout: options.dropout ?? base.dropout,
    loss: options.loss ?? base.loss,
    featureSet: options.features ?? base.featureSet,
    baseMethod: options.base ?? base.baseMethod,
    patience: options.patience ?? base.patience,
    headWeights: options.headWeights === undefined
      ? base.headWeights
      : {
        threshold: options.headWeights[0],
        polarity: options.headWeights[1],
        quality: options.headWeights[2],
      },
    temperature: options.temperature === undefined
      ? base.temperature
      : { start: options.temperature[0], end: options.temperature[1] },
  };
}

/** One progress line per epoch, e.g. `epoch 3/60  loss 0.2143  τ 3.18  val F 0.8412 …`. */
export function formatEpoch(log: EpochLog, run: number, runs: number): string {
  const prefix = runs > 1 ? `run ${run + 1}/${runs}  ` : '';
  const metrics = log.validation;
  const validation = metrics === null
    ? ''
    : `${metrics.fmeasure === null ? '' : `  val F ${metrics.fmeasure.toFixed(4)}`}  polarity ` +
      `${metrics.polarityAccuracy.toFixed(3)}  |Δt| ${metrics.thresholdMae.toFixed(1)}`;
  return `${prefix}epoch ${log.epoch}/${log.epochs}  loss ${log.loss.toFixed(4)}  ` +
    `τ ${log.temperature.toFixed(2)}${validation}  (${log.seconds.toFixed(1)} s)\n`;
}

function meanAndStd(values: readonly number[]): { mean: number; std: number } {
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  const variance = values.reduce((sum, value) => sum + (value - mean) ** 2, 0) /
    Math.max(values.length - 1, 1);
  return { mean, std: Math.sqrt(variance) };
}

/**
 * Starts the `--backend` TensorFlow.js backend; one that cannot start here is a usage error of
 * the option, like any other refused value.
 */
export async function startBackend(backend: BackendName): Promise<typeof TF> {
  try {
    return await loadTensorflow(backend);
  } catch (error) {
    if (!isAutothreshError(error, 'autothresh.invalidParameter')) throw error;
    const others = BACKEND_NAMES.filter((name) => name !== backend).join(', ');
    const reason = backend === 'tensorflow'
      ? 'tensorflow needs the optional package @tensorflow/tfjs-node'
      : `${backend} does not start here`;
    throw new AutothreshError(
      'autothresh.usage',
      `option --backend: expected one of ${others} (${reason}), received "${backend}"`,
      { cause: error },
    );
  }
}

export async function runTrain(context: CliContext, options: TrainOptions): Promise<void> {
  await startBackend(options.backend);
  const fineTuning = options.init !== undefined;
  const config = configFromOptions(options, fineTuning);
  const started = performance.now();
  const summary = await trainAndSave({
    data: options.data,
    validationFiles: options.val ?? [],
    valSplit: options.valSplit ?? 0.15,
    out: options.out,
    config,
    init: options.init ?? null,
    runs: options.runs,
    backend: options.backend,
    toolVersion: packageVersion(),
    onEpoch: (log, run) => {
      if (!options.quiet) context.io.stderr(formatEpoch(log, run, options.runs));
    },
  });
  const seconds = (performance.now() - started) / 1000;
  const { mean, std } = meanAndStd(summary.runScores);
  for (const warning of summary.warnings) context.io.stderr(`warning: ${warning}\n`);
  const validation = summary.model.metadata.validation;
  if (summary.validationRecords === 0 && (options.val ?? []).length === 0 &&
    (options.valSplit ?? 0.15) > 0) {
    context.io.stderr('warning: --val-split held back no image (too few images); ' +
      'the model was trained without validation\n');
  }

  if (options.json) {
    context.io.stdout(`${JSON.stringify({
      out: options.out,
      backend: summary.backend,
      trainRecords: summary.trainRecords,
      validationRecords: summary.validationRecords,
      unusedRecords: summary.unusedRecords,
      validation,
      epochs: summary.model.metadata.training.epochs,
      epochsRun: summary.model.metadata.training.epochsRun,
      bestEpoch: summary.model.metadata.training.bestEpoch,
      runs: options.runs,
      runScore: summary.runScore,
      runScores: summary.runScores,
      mean: summary.runScores.length > 0 ? mean : null,
      std: summary.runScores.length > 1 ? std : null,
      seconds,
    })}\n`);
    return;
  }
  const lines = [
    `model written to ${options.out} (${counted(summary.trainRecords, 'training record')}, ` +
      `backend ${summary.backend}, ${seconds.toFixed(1)} s)`,
  ];
  if (summary.unusedRecords > 0) {
    lines.push(`${counted(summary.unusedRecords, 'augmented record')} of the validation images ` +
      `${summary.unusedRecords === 1 ? 'was' : 'were'} used ` +
      'by neither training nor validation');
  }
  const { epochs, epochsRun, bestEpoch } = summary.model.metadata.training;
  lines.push(validation === null
    ? `epochs: ${epochsRun} of ${epochs} run; the last epoch's weights kept (no validation)`
    : `epochs: ${epochsRun} of ${epochs} run${epochsRun < epochs ? ' (stopped early)' : ''}; ` +
      `the weights of epoch ${bestEpoch}, the best on validation, kept`);
  if (validation !== null) {
    const score = validation.fmeasure === null
      ? 'threshold labels only (no class histograms), '
      : `F-measure ${validation.fmeasure.toFixed(4)}, `;
    lines.push(
      `validation (${counted(validation.records, 'record')}): ${score}` +
        `polarity ${(100 * validation.polarityAccuracy).toFixed(1)}%, ` +
        `mean |threshold error| ${validation.thresholdMae.toFixed(1)} bins`,
    );
  }
  if (summary.runScores.length > 1) {
    const [what, digits] = summary.runScore === 'fmeasure'
      ? ['F-measure', 4] : ['mean |threshold error| (bins)', 2];
    lines.push(
      `${summary.runScores.length} runs: validation ${what} ` +
        `${mean.toFixed(digits)} ± ${std.toFixed(digits)} (mean ± std over seeds)`,
    );
  }
  context.io.stdout(`${lines.join('\n')}\n`);
}
