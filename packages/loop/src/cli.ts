#!/usr/bin/env node
import { main } from './cli/main';

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`impact: internal error: ${String(error)}\n`);
    process.exitCode = 3;
  },
);
