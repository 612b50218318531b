// The current time, ticking every second while `running`, for the elapsed time and the
// running action's time.
import { useEffect, useState } from 'react';

export function useClock(running: boolean, everyMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), everyMs);
    return () => clearInterval(timer);
  }, [running, everyMs]);
  return now;
}
