// The terminal's size, updated on resize.
import { useStdout } from '../ink.js';
import { useEffect, useState } from 'react';
import type { Size } from '../view/layout.js';

const sizeOf = (out: NodeJS.WriteStream): Size => ({ columns: out.columns || 80, rows: out.rows || 24 });

export function useTerminalSize(): Size {
  const { stdout } = useStdout();
  const [size, setSize] = useState(() => sizeOf(stdout));
  useEffect(() => {
    const onResize = () => setSize(sizeOf(stdout));
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return size;
}
