// A number on the page: formatted for reading, exact in `data-raw` (base
// units), so what is shown can always be traced to the bigint behind it.
import { formatAmount } from "../format.js";

export function Amount({ value, decimals = 18, places = 4, unit }: { value: bigint; decimals?: number; places?: number; unit?: string }) {
  return (
    <span class="amount" data-raw={value.toString()}>
      {formatAmount(value, decimals, places)}
      {unit && <span class="unit"> {unit}</span>}
    </span>
  );
}
