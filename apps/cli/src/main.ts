#!/usr/bin/env node
// The `medgpt` executable: runs the CLI on this process's arguments and exits with its code.
import { main } from './cli-main.js';

process.exitCode = await main(process.argv.slice(2));
