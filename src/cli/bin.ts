#!/usr/bin/env node
import { EXIT_SOME_FAILED, watchStderr, watchStdout } from './io.js';
import { run } from './program.js';

// Nobody reads the results any more (`autothresh predict … | head -1`): stop quietly. When
// they cannot be written (a full disk), the run has failed.
watchStdout((failed) => process.exit(failed ? EXIT_SOME_FAILED : process.exitCode ?? 0));
watchStderr();
process.exitCode = await run(process.argv);
