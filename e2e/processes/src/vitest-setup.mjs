// Vitest setup file: after each test file, every process group it started and left alive is killed.
import { afterAll } from 'vitest';
import { killAllGroups } from './index.mjs';

afterAll(() => killAllGroups());
