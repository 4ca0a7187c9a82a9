/**
 * autothresh's training API, apart from the main entry point because it loads TensorFlow.js
 * and its declarations refer to TensorFlow.js types (a consumer type-checking with
 * `skipLibCheck: false` would check all of them). See `autothresh train` for the CLI.
 */
export {
  trainModel, type TrainConfig, type TrainedModel, type TrainInput,
} from './model/train.js';
