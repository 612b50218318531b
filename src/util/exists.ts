// Whether a path exists (as the calling process can see it), without throwing.
import { access } from 'node:fs/promises';

export const pathExists = (path: string): Promise<boolean> => access(path).then(() => true, () => false);
