#!/usr/bin/env node
import { watchStderr, watchStdout } from './io.js';
import { run } from './program.js';

// Nobody reads the results any more (`autothresh predict … | head -1`): stop quietly.
watchStdout(() => process.exit(process.exitCode ?? 0));
watchStderr();
process.exitCode = await run(process.argv);
