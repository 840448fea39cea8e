// Which days an Amazon Ads sync asks reports for. Pure (workflow-safe). Dates are the profile's calendar days.

/** Amazon keeps Sponsored Products report data this many days back; one report spans at most 31 days. */
export const REPORT_RETENTION_DAYS = 95;
export const REPORT_MAX_SPAN_DAYS = 31;

export interface DateWindow {
  startDate: string;
  endDate: string;
}

const DAY = 86_400_000;
/** `date` moved by `days` calendar days. */
export const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);


/** The calendar day at `instant` in an IANA time zone. */
export function dayIn(timezone: string, instant: number): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: timezone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(instant);
}

/**
 * The windows to request, oldest first, through yesterday (today is never complete). A full sync covers all the
 * API keeps (one day of margin kept from its limit); an incremental one starts `lookbackDays` before the day the
 * last sync loaded through, so restated days are pulled again, and falls back to a full range without a cursor.
 */
export function planReportWindows(input: { today: string; full: boolean; loadedThrough: string | null; lookbackDays: number }): DateWindow[] {
  const end = addDays(input.today, -1);
  const floor = addDays(input.today, -(REPORT_RETENTION_DAYS - 1));
  let start = input.full || !input.loadedThrough ? floor : addDays(input.loadedThrough, -(input.lookbackDays - 1));
  if (start < floor) start = floor;
  const windows: DateWindow[] = [];
  while (start <= end) {
    const last = addDays(start, REPORT_MAX_SPAN_DAYS - 1);
    windows.push({ startDate: start, endDate: last < end ? last : end });
    start = addDays(last, 1);
  }
  return windows;
}
