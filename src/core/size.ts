// Human-readable sizes as debos reads them (docker's go-units): `8G` and `8GB` are decimal
// (8·10⁹ bytes); only the `GiB` spellings are binary, and only when written without a space.

const UNITS = 'kmgtp';

/** Bytes in `text`, or undefined if it is not a size. `binary` picks powers of 1024. */
export function parseSize(text: string, binary: boolean): number | undefined {
  const m = /^(\d+(?:\.\d+)?) ?([kmgtp])?i?b?$/i.exec(text);
  if (!m) return undefined;
  const power = m[2] ? UNITS.indexOf(m[2].toLowerCase()) + 1 : 0;
  return Math.trunc(Number(m[1]) * (binary ? 1024 : 1000) ** power);
}

/** An image size: debos picks binary units for `NNNkib`…`NNNpib` and decimal for the rest. */
export function parseImageSize(text: string): number | undefined {
  return parseSize(text, /^[0-9.]+[kmgtp]ib+$/.test(text.toLowerCase()));
}
