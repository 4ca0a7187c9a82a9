/**
 * The benchmark runner: list the inputs, score every method on every image, summarize.
 *
 *   images + masks ──read once──▶ histograms, class histograms, DRD weights, local results
 *   labelled records ──parse────▶ histograms, class histograms
 *                                      │   (units of work.ts, on worker threads for large runs)
 *                                      ▼
 *        every global method, the model (one batch per unit) and the oracle, O(256) each
 *                                      ▼
 *                    per-image results ──▶ means, bootstrap intervals, wins vs Otsu
 *
 * Runs of at least {@link POOL_MIN_IMAGES} images or {@link POOL_MIN_RECORDS} labelled records
 * use one worker thread per core: an image or a chunk of records is one task. Smaller runs stay
 * on the calling thread by default: scoring a record takes about 0.4 ms once the compiler has
 * warmed up, and each thread's start (its modules, its compiler's warm-up) costs a few hundred;
 * on two cores, workers made 1,700 records slower (about 1.1 against 0.8 s) and 3,400 too (1.5
 * against 1.3 s), and won on 6,800 (2.2 against 2.4 s) and 8,223 (2.7 against 2.9 s), so they
 * break even near 5,000. `workers` overrides the choice. Either way the results
 * are the same, in input order, and memory stays small: only 256-bin summaries are kept.
 */
import { availableParallelism } from 'node:os';
import pMap from 'p-map';
import { AutothreshError, errorMessage } from '../errors.js';
import { DEFAULT_MAX_PIXELS } from '../image/decode.js';
import type { Objective } from '../label/objectives.js';
import type { LocalParams } from '../methods/local/index.js';
import { loadModel } from '../model/index.js';
import { datasetNameOf } from '../label/pairs.js';
import { INVALID_LINES_SHOWN } from '../label/records-io.js';
import type { Progress } from '../util/progress.js';
import { qualifyGroupNames, recordGroupNames } from './datasets.js';
import { listPairs, type ImageSource, type InputProblem, type PairInput } from './inputs.js';
import { checkLocalParams, selectMethods } from './methods.js';
import { createBenchPool, type BenchPool } from './pool.js';
import { repeatedImagesNote, type InputImages } from './duplicates.js';
import { duplicateIdLines, readRecordChunks, type RecordChunk } from './records.js';
import type { BenchImage, BenchResult, ImageResult, MethodSpec } from './results.js';
import { summarize, type SummaryOptions } from './summary.js';
import {
  scorePairs, scoreRecordChunk, type PairOutcome, type RecordChunkOutcome, type ScoredImage,
  type ScoreSettings,
} from './work.js';
import { counted } from '../util/counts.js';
import { debug } from '../util/log.js';

export interface BenchOptions {
  /** Image folders with their masks (and optional ROI masks). */
  images?: readonly ImageSource[];
  /** Labelled record files (`.jsonl`, `.jsonl.gz`). */
  data?: readonly string[];
  /**
   * Method names (default: see `defaultMethodNames`; without its local methods when there are
   * no `images`, as records carry no pixels to run them on).
   */
  methods?: readonly string[];
  /** Model folders for `learned` (default: the shipped model). */
  models?: readonly string[];
  /**
   * Polarity of every row but the model's: from the ground truth, or from the first model's
   * polarity head (`auto`; the oracle then gives the best threshold for that polarity).
   */
  polarity?: 'truth' | 'auto';
  /** What the oracle maximizes (and what "best threshold" means). Default `fmeasure`. */
  objective?: Objective;
  /**
   * Parameters of the local methods (their defaults otherwise): each local row takes those it
   * uses; one that no local row uses, or a value a row refuses, is a usage error.
   */
  localParams?: LocalParams;
  /** Mask values `> maskThreshold` are foreground (image input). Default 0. */
  maskThreshold?: number;
  /** Images, masks and ROIs of more pixels are refused. Default the decoder's. */
  maxPixels?: number;
  /**
   * Worker threads. Default: one per CPU core for a large run, none for a small one (see the
   * module comment). 0 keeps all work on the calling thread.
   */
  workers?: number;
  /** Images read at once on the calling thread (without workers). Default: CPU cores. */
  concurrency?: number;
  /** Bootstrap and comparison settings. */
  summary?: SummaryOptions;
  /** Progress reporting (`createProgress` from util/progress.ts); silent by default. */
  progress?: (total: number, label: string) => Progress;
}

/** Runs with at least this many images use worker threads by default. */
export const POOL_MIN_IMAGES = 8;
/** Runs with at least this many labelled records use worker threads by default. */
export const POOL_MIN_RECORDS = 5000;

const SILENT: Progress = { tick: () => {}, stop: () => {} };

/**
 * Nothing could be scored (code `autothresh.noImages`): `failures` lists every input that
 * failed (the message names the first), `notes` what the run noted until then.
 */
export class NothingToScoreError extends AutothreshError {
  readonly failures: readonly InputProblem[];
  readonly notes: readonly string[];

  constructor(failures: readonly InputProblem[], notes: readonly string[] = []) {
    const first = failures[0];
    const why = first === undefined ? '' : ` (${failures.length} failed; first: ` +
      `${first.file}: ${first.message})`;
    super('autothresh.noImages', `bench: no image or record to score${why}`);
    this.name = 'NothingToScoreError';
    this.failures = failures;
    this.notes = notes;
  }
}

/**
 * Runs a benchmark. Inputs that cannot be used (an image without a mask, a mask without
 * foreground or background, an invalid record line, an empty or unreadable folder) are listed in
 * `failures`; throws a {@link NothingToScoreError} holding all of them when nothing could be
 * scored. Problems with the options (methods, local parameters, a model folder that does not
 * load, an empty `roi` folder) throw `autothresh.usage` before any input is read.
 */
export async function runBench(options: BenchOptions): Promise<BenchResult> {
  const started = performance.now();
  const notes: string[] = [];
  const settings = await scoreSettings(options, notes);
  const inputs = await listInputs(options);
  notes.push(...inputs.warnings);
  const workers = options.workers ??
    defaultWorkers({ pairs: inputs.pairs.length, records: inputs.records });
  debug(`bench: ${inputs.pairs.length} image pairs and ${inputs.records} records, ` +
    (workers === 0 ? 'on the main thread' : `on ${counted(workers, 'worker thread')}`) +
    (options.workers === undefined ? ' (the default for this size)' : ''));
  const { scored, records, failures } =
    await scoreInputs(inputs, settings, options, workers, notes);
  if (scored.length === 0) throw new NothingToScoreError(failures, notes);

  const { methods } = settings;
  const images = scored.map((item) => item.image);
  const results: ImageResult[] = [];
  scored.forEach((item, image) => {
    for (const row of item.results) results.push({ image, ...row });
  });
  const summaries = summarize(images, methods, results, options.summary);
  notes.push(
    ...failedRowNotes(methods, results, images),
    ...sharedSourceNotes(images.slice(images.length - records)),
  );
  // Without the reference among the methods, W/T/L is not computed: the tables say so.
  const reference = options.summary?.reference ?? 'otsu';
  const seconds = (performance.now() - started) / 1000;
  return {
    settings: {
      polarity: settings.polarity,
      objective: settings.objective,
      resamples: options.summary?.resamples ?? 1000,
      seed: options.summary?.seed ?? 1,
      level: options.summary?.level ?? 0.95,
      tieTolerance: options.summary?.tieTolerance ?? 1e-9,
      reference,
      roi: (options.images ?? []).some((source) => source.roi !== undefined),
      maskThreshold: settings.maskThreshold ?? 0,
      maxPixels: settings.maxPixels ?? DEFAULT_MAX_PIXELS,
      localParams: { ...settings.localParams },
    },
    methods: [...methods],
    images,
    records,
    results,
    summaries,
    notes,
    failures,
    timing: { seconds, imagesPerSecond: images.length / Math.max(seconds, 1e-9), workers },
  };
}

/**
 * One note per method that failed on some images: its means, intervals and W/T/L are over the
 * images it scored, which the table's count shows but a reader comparing rows may miss.
 */
function failedRowNotes(
  methods: readonly MethodSpec[],
  results: readonly ImageResult[],
  images: readonly BenchImage[],
): string[] {
  const imageCount = images.length;
  return methods.flatMap((method) => {
    const failed = results.filter((row) => row.method === method.name && row.error !== undefined);
    if (failed.length === 0) return [];
    const scored = results.filter((row) => row.method === method.name).length - failed.length;
    const first = failed[0];
    const prefix = `${method.name}: `;
    const why = first.error!.startsWith(prefix) ? first.error!.slice(prefix.length) : first.error;
    const over = scored === 0
      ? 'it scored none'
      : `its means, intervals and W/T/L are over the ${scored} it scored`;
    return [`${method.name} failed on ${failed.length} of ${counted(imageCount, 'image')} ` +
      `(first on ${images[first.image].source}: ${why}); ${over}`];
  });
}

/**
 * A note when several records share a source (crops and variants of one labelled image, or
 * copies of its record): they are not independent, so the bootstrap intervals, which treat them
 * so, come out too narrow.
 */
function sharedSourceNotes(records: readonly BenchImage[]): string[] {
  const sources = new Set(records.map((record) => record.source)).size;
  if (sources === records.length) return [];
  return [`the ${records.length} records come from ${counted(sources, 'source image')}: crops, ` +
    'variants and copies of one image are correlated, so the intervals, which treat every record as ' +
    'independent, are too narrow (score the original records alone for honest intervals)'];
}

/** The methods (with a model for every learned row) and what every unit of work needs. */
async function scoreSettings(options: BenchOptions, notes: string[]): Promise<ScoreSettings> {
  const polarity = options.polarity ?? 'truth';
  const selection = selectMethods(options.methods, options.models);
  const localParams = definedEntries(options.localParams ?? {});
  if (options.methods === undefined && (options.images ?? []).length === 0) {
    selection.methods = withoutLocalMethods(selection.methods, localParams, notes);
  }
  checkLocalParams(selection.methods, localParams);
  const models = await loadModels(selection.methods, selection.learnedByDefault, notes);
  const methods = selection.methods.filter(
    (method) => method.kind !== 'learned' || models[method.name] !== undefined,
  );
  return {
    objective: options.objective ?? 'fmeasure',
    polarity,
    methods,
    models,
    polarityModel: polarity === 'auto' ? await modelForPolarity(methods, notes) : null,
    maskThreshold: options.maskThreshold ?? 0,
    ...(options.maxPixels === undefined ? {} : { maxPixels: options.maxPixels }),
    localParams,
  };
}

/**
 * The default rows of a run on records alone, without the local methods: records carry no
 * pixels to run them on, so their rows would stay empty. A note says so; a local parameter
 * given anyway is a usage error (no row would take it).
 */
function withoutLocalMethods(
  methods: readonly MethodSpec[],
  localParams: LocalParams,
  notes: string[],
): MethodSpec[] {
  const local = methods.filter((method) => method.kind === 'local').map((method) => method.name);
  const [given] = Object.keys(localParams);
  if (given !== undefined) {
    throw new AutothreshError('autothresh.usage', `option --${given}: sets a parameter of the ` +
      `local methods, which need pixels, and records (--data) have none; give --images with ` +
      `--masks, or leave it out`);
  }
  if (local.length > 0) {
    notes.push(`local methods (${local.join(', ')}) left out: they need pixels, and records ` +
      `(--data) have none`);
  }
  return methods.filter((method) => method.kind !== 'local');
}

/** The parameters that have a value. */
function definedEntries(params: LocalParams): LocalParams {
  return Object.fromEntries(Object.entries(params).filter(([, value]) => value !== undefined));
}

/**
 * Loads the model of every learned row (to fail early; threads load their own copy) and
 * returns the folder of each. A missing shipped model drops the default `learned` row with a
 * note; a model asked for explicitly must load, else `autothresh.usage` before any input is
 * read: `option --model: <file>: <problem>` (`option --methods: learned: …` for the shipped
 * model named in `--methods`).
 */
async function loadModels(
  methods: readonly MethodSpec[],
  learnedByDefault: boolean,
  notes: string[],
): Promise<Record<string, string>> {
  const models: Record<string, string> = {};
  for (const row of methods.filter((method) => method.kind === 'learned')) {
    try {
      await loadModel(row.method);
      models[row.name] = row.method;
    } catch (error) {
      if (!learnedByDefault) throw unusableModel(row.method, error);
      const reason = errorMessage(error);
      notes.push(`learned: skipped, the shipped model could not be loaded (${reason})`);
    }
  }
  return models;
}

/** The usage error of a model folder that does not load, naming the folder or its file. */
function unusableModel(folder: string, error: unknown): AutothreshError {
  const message = errorMessage(error);
  if (folder === 'default') {
    return new AutothreshError('autothresh.usage', `option --methods: learned: the shipped ` +
      `model could not be loaded (${message}); give --model <dir>`, { cause: error });
  }
  const named = message.startsWith(folder) ? message : `${folder}: ${message}`;
  return new AutothreshError('autothresh.usage', `option --model: ${named}`, { cause: error });
}

/** The folder of the model whose polarity head `auto` uses: the first learned row's. */
async function modelForPolarity(methods: readonly MethodSpec[], notes: string[]): Promise<string> {
  const first = methods.find((method) => method.kind === 'learned');
  if (first !== undefined) return first.method;
  try {
    await loadModel('default');
  } catch (error) {
    throw new AutothreshError(
      'autothresh.usage',
      `option --polarity auto: needs a model, and the shipped one could not be loaded ` +
        `(${errorMessage(error)}); use --polarity truth or give --model`,
    );
  }
  notes.push('polarity auto: from the shipped model');
  return 'default';
}

/** What a run reads: image pairs, record chunks, and the inputs that cannot be used. */
interface Inputs {
  sources: readonly ImageSource[];
  pairs: PairInput[];
  /** Per pair, the index of its `--images` source. */
  pairSources: number[];
  /** Per `--data` file (in order): its chunks (none when it cannot be read). */
  files: { file: string; chunks: RecordChunk[] }[];
  problems: InputProblem[];
  /** Notes from listing (files left out, masks sharing a name). */
  warnings: string[];
  records: number;
}

async function listInputs(options: BenchOptions): Promise<Inputs> {
  const sources = options.images ?? [];
  const inputs: Inputs = {
    sources, pairs: [], pairSources: [], files: [], problems: [], warnings: [], records: 0,
  };
  for (const [index, source] of sources.entries()) {
    const { pairs, problems, warnings } = await listPairs([source], options.maskThreshold);
    // Appended one by one: spreading hundreds of thousands of items overflows the stack.
    for (const pair of pairs) {
      inputs.pairs.push(pair);
      inputs.pairSources.push(index);
    }
    for (const problem of problems) inputs.problems.push(problem);
    for (const warning of warnings) inputs.warnings.push(warning);
  }
  for (const file of options.data ?? []) {
    const read = await readRecordChunks(file);
    if (read.problem !== undefined) inputs.problems.push(read.problem);
    const chunks = 'chunks' in read ? read.chunks : [];
    inputs.files.push({ file, chunks });
    inputs.records += chunks.reduce((sum, chunk) => sum + chunk.lines, 0);
  }
  return inputs;
}

/** Worker threads by default: one per core for a large run on several cores, else none. */
export function defaultWorkers(
  { pairs, records }: { pairs: number; records: number },
  cores = availableParallelism(),
): number {
  const large = pairs >= POOL_MIN_IMAGES || records >= POOL_MIN_RECORDS;
  return large && cores > 1 ? cores : 0;
}

/** Scores every input (on the pool when `workers` > 0) and names the datasets. */
async function scoreInputs(
  inputs: Inputs,
  settings: ScoreSettings,
  options: BenchOptions,
  workers: number,
  notes: string[],
): Promise<{ scored: ScoredImage[]; records: number; failures: InputProblem[] }> {
  const progress = options.progress?.(inputs.pairs.length + inputs.records, 'bench') ?? SILENT;
  const pool = workers > 0 ? createBenchPool(workers) : null;
  let pairOutcomes: PairOutcome[];
  let fileOutcomes: RecordChunkOutcome[][];
  try {
    [pairOutcomes, fileOutcomes] = await Promise.all([
      scoreAllPairs(inputs.pairs, settings, pool, options.concurrency, progress),
      Promise.all(inputs.files.map(({ chunks }) =>
        scoreAllChunks(chunks, settings, pool, progress))),
    ]);
  } finally {
    progress.stop();
    await pool?.destroy();
  }

  const failures = [...inputs.problems];
  const fromImages: ScoredImage[] = [];
  const imageSources: number[] = [];
  pairOutcomes.forEach((outcome, index) => {
    if ('failure' in outcome) failures.push(outcome.failure);
    else {
      fromImages.push(outcome.scored);
      imageSources.push(inputs.pairSources[index]);
    }
  });
  const located = inputs.files.map(({ file }, index) =>
    recordsOfFile(file, fileOutcomes[index], failures, notes));
  const fromFiles = located.map(({ items }) => items);
  const localMethods = settings.methods.filter((method) => method.kind === 'local');
  if (localMethods.length > 0 && fromFiles.some((items) => items.length > 0)) {
    const names = localMethods.map((method) => method.name).join(', ');
    const empty = fromImages.length === 0 ? ' (no image was scored: their rows are empty)' : '';
    notes.push(`local methods (${names}) need pixels: not run on records${empty}`);
  }
  nameDatasets(inputs, { items: fromImages, sources: imageSources }, fromFiles, notes);
  const repeated = repeatedImagesNote(
    scoredInputs(inputs, { items: fromImages, sources: imageSources }, located));
  if (repeated !== null) notes.push(repeated);
  const fromRecords = fromFiles.flat();
  return { scored: [...fromImages, ...fromRecords], records: fromRecords.length, failures };
}

/**
 * The scored images of every input, each `--images` source then each `--data` file, with where
 * each image comes from (its file, or `file:line` for a record).
 */
function scoredInputs(
  inputs: Inputs,
  fromImages: { items: readonly ScoredImage[]; sources: readonly number[] },
  fromFiles: readonly { items: readonly ScoredImage[]; lines: readonly number[] }[],
): InputImages[] {
  const bySource = inputs.sources.map((): BenchImage[] => []);
  fromImages.items.forEach(({ image }, index) => bySource[fromImages.sources[index]].push(image));
  const images = bySource.map((list) => ({
    images: list, where: (index: number) => list[index].files?.image ?? list[index].source,
  }));
  const records = fromFiles.map(({ items, lines }, file) => ({
    images: items.map((item) => item.image),
    where: (index: number) => `${inputs.files[file].file}:${lines[index]}`,
  }));
  return [...images, ...records];
}

/**
 * A file's scored records in line order, with their line numbers; invalid lines and repeated
 * ids become failures.
 */
function recordsOfFile(
  file: string,
  outcomes: readonly RecordChunkOutcome[],
  failures: InputProblem[],
  notes: string[],
): { items: ScoredImage[]; lines: number[] } {
  const skipped = outcomes.reduce((sum, outcome) => sum + outcome.skipped, 0);
  if (skipped > 0) {
    notes.push(`${file}: ${counted(skipped, 'record')} without class histograms skipped`);
  }
  const scored = outcomes.flatMap((outcome) => outcome.scored.map((item, index) => ({
    item, line: outcome.lines[index],
  })));
  const duplicates = duplicateIdLines(
    scored.map(({ item, line }) => ({ id: item.image.id, line })),
  );
  const invalid = [...outcomes.flatMap((outcome) => outcome.invalid), ...duplicates]
    .sort((a, b) => a.line - b.line);
  // The first lines, then a count of the rest: a file that is not records at all (an image
  // given by mistake) would otherwise print a line for each of its thousands of lines.
  for (const { line, message } of invalid.slice(0, INVALID_LINES_SHOWN)) {
    failures.push({ file: `${file}:${line}`, message });
  }
  const more = invalid.length - INVALID_LINES_SHOWN;
  if (more > 0) {
    failures.push({ file, message: `… and ${counted(more, 'more invalid line')}`, count: more });
  }
  const dropped = new Set(duplicates.map(({ line }) => line));
  const kept = scored.filter(({ line }) => !dropped.has(line));
  return { items: kept.map(({ item }) => item), lines: kept.map(({ line }) => line) };
}

async function scoreAllPairs(
  pairs: readonly PairInput[],
  settings: ScoreSettings,
  pool: BenchPool | null,
  concurrency: number | undefined,
  progress: Progress,
): Promise<PairOutcome[]> {
  const outcomes = await pMap(pairs, async (pair) => {
    const [outcome] = pool === null
      ? await scorePairs([pair], settings)
      : await pool.scorePairs([pair], settings);
    progress.tick();
    return outcome;
  }, { concurrency: pool === null ? concurrency ?? availableParallelism() : Infinity });
  return outcomes;
}

async function scoreAllChunks(
  chunks: readonly RecordChunk[],
  settings: ScoreSettings,
  pool: BenchPool | null,
  progress: Progress,
): Promise<RecordChunkOutcome[]> {
  return pMap(chunks, async (chunk) => {
    const outcome = pool === null
      ? await scoreRecordChunk(chunk, settings)
      : await pool.scoreRecordChunk(chunk, settings);
    progress.tick(chunk.lines);
    return outcome;
  }, { concurrency: pool === null ? 1 : Infinity });
}

/** Sets each image's dataset: folder name, record file name or record dataset, qualified. */
function nameDatasets(
  inputs: Inputs,
  fromImages: { items: readonly ScoredImage[]; sources: readonly number[] },
  fromFiles: readonly ScoredImage[][],
  notes: string[],
): void {
  const recordNames = inputs.files.map(({ file }, index) =>
    recordGroupNames(file, fromFiles[index].map((item) => item.image.dataset)));
  const { renamed, notes: qualified } = qualifyGroupNames([
    ...inputs.sources.map((source) => ({
      input: source.images, names: [datasetNameOf(source.images)],
    })),
    ...inputs.files.map(({ file }, index) => ({
      input: file, names: [...new Set(recordNames[index].values())],
    })),
  ]);
  notes.push(...qualified);

  fromImages.items.forEach(({ image }, index) => {
    image.dataset = renamed[fromImages.sources[index]].get(image.dataset)!;
  });
  fromFiles.forEach((items, index) => {
    const names = renamed[inputs.sources.length + index];
    for (const { image } of items) {
      image.dataset = names.get(recordNames[index].get(image.dataset)!)!;
    }
  });
}
