#!/usr/bin/env node
// Part of `npm run build`: bundles the VM's guest agent into dist/vm/qemu/agent.cjs, so a
// guest loads one file instead of resolving dozens of modules under emulation.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLED_AGENT, bundleAgent } from '../dist/vm/qemu/agent-launch.js';

const qemu = fileURLToPath(new URL('../dist/vm/qemu/', import.meta.url));
await bundleAgent(join(qemu, 'agent.js'), join(qemu, BUNDLED_AGENT));
