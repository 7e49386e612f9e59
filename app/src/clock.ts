// A re-render every second, for countdowns on the chain's clock.
import { useEffect, useState } from "preact/hooks";
import { chainNow, type Clock } from "./snapshot.js";

export function useChainNow(clock: Clock): bigint {
  const [, setTick] = useState(0);
  useEffect(() => {
    const timer = setInterval(() => setTick((t) => t + 1), 1000);
    return () => clearInterval(timer);
  }, []);
  return chainNow(clock);
}
