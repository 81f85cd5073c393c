export interface ReleaseCheck {
  id: string;
  package: string;
  ok: boolean;
  detail: string;
  severity: 'error' | 'warning' | 'info';
}
export interface ReleaseReport {
  checks: ReleaseCheck[];
  notes: string[];
  privatePackages: string[];
}
export const ROOT: string;
export const EXPECTED_PUBLISHED: string[];
export function runReleaseCheck(options?: { root?: string }): Promise<ReleaseReport>;
export function formatReport(report: ReleaseReport): string;
export function bump(version: string, kind: 'major' | 'minor' | 'patch'): string;
export function workspacePackages(root: string): { dir: string; manifest: Record<string, unknown> }[];
export function readChangesets(root: string): { file: string; releases: Record<string, string>; summary: string }[];
