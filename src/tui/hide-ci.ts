// Hides the variables Ink takes for "running in CI" until restoreCi(); see ink.ts.
const names = ['CI', 'CONTINUOUS_INTEGRATION'] as const;
const saved = new Map<string, string>();
for (const name of names) {
  const value = process.env[name];
  if (value !== undefined) saved.set(name, value);
  delete process.env[name];
}

export function restoreCi(): void {
  for (const [name, value] of saved) process.env[name] = value;
}
